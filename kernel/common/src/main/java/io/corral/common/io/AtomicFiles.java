package io.corral.common.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Durable whole-file writes: the bytes go to a temp file next to the target, are fsync'd, the
 * temp file is renamed over the target atomically, and the directory is fsync'd so the rename
 * survives a crash. A reader sees the old file or the new one, never a half-written one. For what a
 * daemon must find again after a crash: an agent's checkpoints, a master's documents in its work dir.
 */
public final class AtomicFiles {
  /** Suffix of temp files; a crash may leave one behind, readers ignore them. */
  public static final String TEMP_SUFFIX = ".tmp";

  private AtomicFiles() {}

  public static void write(Path target, byte[] bytes) throws IOException {
    Path dir = target.getParent();
    Files.createDirectories(dir);
    Path temp = dir.resolve(target.getFileName() + TEMP_SUFFIX);
    try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer buf = ByteBuffer.wrap(bytes);
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
      ch.force(true);
    }
    try {
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.deleteIfExists(temp);
      throw new IOException("the file system of " + dir + " cannot rename atomically: " + e.getMessage(), e);
    }
    syncDirectory(dir);
  }

  /** Deletes the file (if it exists) durably. */
  public static void delete(Path target) throws IOException {
    if (Files.deleteIfExists(target)) {
      syncDirectory(target.getParent());
    }
  }

  public static void syncDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      // Some file systems refuse to open directories for fsync; the rename is then as durable
      // as the file system makes it.
      if (!Files.isDirectory(dir)) {
        throw e;
      }
    }
  }
}
