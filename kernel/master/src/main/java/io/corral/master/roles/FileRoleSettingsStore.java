package io.corral.master.roles;

import io.corral.master.store.FileDocument;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** The role settings of a master without ZooKeeper: {@code roles.json} in its work dir, replaced atomically. */
public final class FileRoleSettingsStore implements RoleSettingsStore {
  private final FileDocument file;

  public FileRoleSettingsStore(Path workDir) {
    this.file = new FileDocument(workDir.resolve("roles.json"));
  }

  @Override
  public RoleSettings load() throws IOException {
    Optional<byte[]> data = file.read();
    return data.isEmpty() ? RoleSettings.EMPTY : RoleSettingsJson.read(data.get(), file.where());
  }

  @Override
  public CompletableFuture<Void> save(RoleSettings settings) {
    return file.write(RoleSettingsJson.write(settings));
  }
}
