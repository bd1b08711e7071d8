package io.corral.master.preemption;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** The notices of a master without ZooKeeper: {@code preemptions.json} in its work dir, replaced atomically. */
public final class FileNoticeStore implements NoticeStore {
  private final Path file;

  public FileNoticeStore(Path workDir) {
    this.file = workDir.resolve("preemptions.json");
  }

  @Override
  public List<Notice> load() throws IOException {
    try {
      return NoticesJson.read(Files.readAllBytes(file), file.toString());
    } catch (NoSuchFileException e) {
      return List.of();
    }
  }

  @Override
  public CompletableFuture<Void> save(List<Notice> notices) {
    try {
      Files.createDirectories(file.getParent());
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.write(tmp, NoticesJson.write(notices));
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      return CompletableFuture.completedFuture(null);
    } catch (IOException e) {
      return CompletableFuture.failedFuture(new IOException("could not write " + file + ": " + e.getMessage(), e));
    }
  }
}
