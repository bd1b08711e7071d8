package io.corral.master.roles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.CompletableFuture;

/** The role settings of a master without ZooKeeper: {@code roles.json} in its work dir, replaced atomically. */
public final class FileRoleSettingsStore implements RoleSettingsStore {
  private final Path file;

  public FileRoleSettingsStore(Path workDir) {
    this.file = workDir.resolve("roles.json");
  }

  @Override
  public RoleSettings load() throws IOException {
    try {
      return RoleSettingsJson.read(Files.readAllBytes(file), file.toString());
    } catch (NoSuchFileException e) {
      return RoleSettings.EMPTY;
    }
  }

  @Override
  public CompletableFuture<Void> save(RoleSettings settings) {
    try {
      Files.createDirectories(file.getParent());
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.write(tmp, RoleSettingsJson.write(settings));
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      return CompletableFuture.completedFuture(null);
    } catch (IOException e) {
      return CompletableFuture.failedFuture(new IOException("could not write " + file + ": " + e.getMessage(), e));
    }
  }
}
