package io.corral.master.preemption;

import io.corral.master.store.FileDocument;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** The notices of a master without ZooKeeper: {@code preemptions.json} in its work dir, replaced atomically. */
public final class FileNoticeStore implements NoticeStore {
  private final FileDocument file;

  public FileNoticeStore(Path workDir) {
    this.file = new FileDocument(workDir.resolve("preemptions.json"));
  }

  @Override
  public List<Notice> load() throws IOException {
    Optional<byte[]> data = file.read();
    return data.isEmpty() ? List.of() : NoticesJson.read(data.get(), file.where());
  }

  @Override
  public CompletableFuture<Void> save(List<Notice> notices) {
    return file.write(NoticesJson.write(notices));
  }
}
