package io.corral.frameworks.common.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One instance per work dir: an exclusive lock on a file in it, held while the store is open (the
 * operating system lets go of it when the process ends, however it ends). The file names the
 * process that holds it, for the refusal the next one prints.
 */
final class WorkDirLock implements AutoCloseable {
  private final FileChannel channel;
  private final FileLock lock;

  private WorkDirLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /** Takes the lock on {@code file}, or fails with one line naming the process that has it. */
  static WorkDirLock acquire(Path file, String dir) throws StateStoreException {
    FileChannel channel = null;
    try {
      Files.createDirectories(file.getParent());
      channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null; // this process holds it already
      }
      if (lock == null) {
        String holder = Files.readString(file, StandardCharsets.UTF_8).strip();
        channel.close();
        throw new StateStoreException(StateStoreException.Reason.FAILED, "another instance keeps its state in " + dir
            + (holder.isEmpty() ? "" : " (process " + holder + ")") + ": give this one a --work-dir of its own, or run "
            + "several instances with --zk");
      }
      channel.truncate(0);
      channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8)), 0);
      channel.force(true);
      return new WorkDirLock(channel, lock);
    } catch (IOException e) {
      if (e instanceof StateStoreException s) {
        throw s;
      }
      closeQuietly(channel);
      throw new StateStoreException(StateStoreException.Reason.FAILED, "cannot lock " + file + ": " + e.getMessage(), e);
    }
  }

  private static void closeQuietly(FileChannel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException e) {
        // it was never ours
      }
    }
  }

  @Override
  public void close() {
    try {
      lock.release();
    } catch (IOException e) {
      // closing the channel lets go of it too
    }
    closeQuietly(channel);
  }
}
