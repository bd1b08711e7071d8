package io.corral.common.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

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
    writeAll(Map.of(target, bytes));
  }

  /**
   * Writes several files, each durably and atomically as above, with far fewer waits on the disk than
   * one at a time: every temp file is written first, then all are fsync'd (the first sync commits the
   * file system's journal for the others too, so theirs cost little), renamed, and each directory is
   * fsync'd once. Each file is replaced atomically; the set is not (a crash may leave some replaced
   * and others not).
   */
  public static void writeAll(Map<Path, byte[]> files) throws IOException {
    List<Path> temps = new ArrayList<>(files.size());
    for (Map.Entry<Path, byte[]> f : files.entrySet()) {
      Path dir = f.getKey().getParent();
      Files.createDirectories(dir);
      Path temp = dir.resolve(f.getKey().getFileName() + TEMP_SUFFIX);
      try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.TRUNCATE_EXISTING)) {
        ByteBuffer buf = ByteBuffer.wrap(f.getValue());
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
      }
      temps.add(temp);
    }
    for (Path temp : temps) {
      try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        ch.force(true);
      }
    }
    Set<Path> dirs = new LinkedHashSet<>();
    int i = 0;
    for (Path target : files.keySet()) {
      Path temp = temps.get(i++);
      try {
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.deleteIfExists(temp);
        throw new IOException("the file system of " + target.getParent() + " cannot rename atomically: "
            + e.getMessage(), e);
      }
      dirs.add(target.getParent());
    }
    for (Path dir : dirs) {
      syncDirectory(dir);
    }
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
