package io.corral.agent.exec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/** Finds the process of a checkpointed executor again, telling it from a recycled pid. */
public final class ExecutorProcesses {
  private ExecutorProcesses() {}

  /** The start time ProcessHandle reports (ms since the epoch), 0 when unknown. */
  public static long startMillis(ProcessHandle h) {
    return h.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
  }

  /**
   * The live process with this pid, if it is the one that started at {@code startMillis} (0:
   * unknown, not checked). Zombies (exited, not reaped) count as dead.
   */
  public static Optional<ProcessHandle> find(long pid, long startMillis) {
    if (pid <= 0) {
      return Optional.empty();
    }
    Optional<ProcessHandle> h = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
    if (h.isEmpty() || isZombie(pid)) {
      return Optional.empty();
    }
    long started = startMillis(h.get());
    if (startMillis != 0 && started != 0 && Math.abs(started - startMillis) > 1_000) {
      return Optional.empty(); // the pid was recycled
    }
    return h;
  }

  static boolean isZombie(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }
}
