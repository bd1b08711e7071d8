package io.corral.scheduler;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * A framework's id kept in a file, so that a scheduler process that dies and starts again
 * subscribes with the same id and fails over to its framework (tasks, pending updates) instead
 * of starting a new one. Marathon and Aurora keep theirs in ZooKeeper; a file suits a single
 * scheduler host. Save the id once registered; clear it when the framework is torn down (a
 * removed id can never subscribe again).
 *
 * <p>Writes are atomic: a temporary file is written, forced to disk and renamed over the old one.
 */
public final class FrameworkIdStore {
  private final Path file;

  public FrameworkIdStore(Path file) {
    this.file = file.toAbsolutePath();
  }

  public Path file() {
    return file;
  }

  /** The stored id; empty when there is no file or it is blank. */
  public Optional<String> load() throws IOException {
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    String id = Files.readString(file, StandardCharsets.UTF_8).strip();
    return id.isEmpty() ? Optional.empty() : Optional.of(id);
  }

  /** Stores {@code frameworkId}, replacing any id stored before. */
  public void save(String frameworkId) throws IOException {
    if (frameworkId == null || frameworkId.isBlank()) {
      throw new IllegalArgumentException("empty framework id");
    }
    Path dir = file.getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, file.getFileName() + ".", ".tmp");
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        ch.write(StandardCharsets.UTF_8.encode(frameworkId + "\n"));
        ch.force(true);
      }
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Forgets the id (the framework was torn down or removed). */
  public void clear() throws IOException {
    Files.deleteIfExists(file);
  }
}
