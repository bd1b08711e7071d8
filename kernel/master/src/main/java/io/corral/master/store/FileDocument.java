package io.corral.master.store;

import io.corral.common.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * One document kept whole in one file, for what a master without ZooKeeper saves in its work dir
 * (what the bytes mean is the caller's). A write replaces the file durably and atomically ({@link
 * AtomicFiles}): a reader, also after a crash, finds the old document or the new one, never half of one.
 */
public final class FileDocument {
  private final Path file;

  public FileDocument(Path file) {
    this.file = file;
  }

  /** The file's bytes; empty when there is no file (nothing was ever written). */
  public Optional<byte[]> read() throws IOException {
    try {
      return Optional.of(Files.readAllBytes(file));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  /** Replaces the file (creating its directory if needed); done when this returns. */
  public CompletableFuture<Void> write(byte[] data) {
    try {
      AtomicFiles.write(file, data);
      return CompletableFuture.completedFuture(null);
    } catch (IOException e) {
      return CompletableFuture.failedFuture(new IOException("could not write " + file + ": " + e.getMessage(), e));
    }
  }

  /** Where the document is, for messages about its data. */
  public String where() {
    return file.toString();
  }
}
