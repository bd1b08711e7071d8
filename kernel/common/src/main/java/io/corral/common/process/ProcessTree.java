package io.corral.common.process;

import io.corral.common.loop.EventLoop;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Kills a process and all of its descendants: SIGTERM to every process of the tree, then SIGKILL
 * to whatever is still alive (including children forked meanwhile) after the grace period. The
 * work is done by one {@link ProcessKiller} per JVM, which serves the kills asked for at about the
 * same time from one read of the process table.
 */
public final class ProcessTree {
  private static final ProcessKiller KILLER = new ProcessKiller(EventLoop.threaded("corral-process-killer"));

  private ProcessTree() {}

  /**
   * The process, its live descendants (parents first) and, when it leads a session (it was
   * started through setsid), the other live processes of that session: children that were
   * re-parented after their parent died stay in the session. One read of the process table.
   */
  public static List<ProcessHandle> snapshot(ProcessHandle root) {
    List<ProcessHandle> out = new ArrayList<>();
    out.add(root);
    for (long pid : ProcessTable.read().treeOf(root.pid())) {
      if (pid != root.pid()) {
        ProcessHandle.of(pid).ifPresent(out::add);
      }
    }
    return out;
  }

  /**
   * Kills what is left of a session whose leader (pid {@code sessionId}) has exited, e.g. the
   * background children of a finished task.
   */
  public static CompletableFuture<Void> killSession(long sessionId, Duration grace) {
    return KILLER.killSession(sessionId, grace);
  }

  /**
   * Kills every process whose environment marks it as part of a container ({@code name=value}
   * is inherited by all children, even those that left their parent's session).
   */
  public static CompletableFuture<Void> killMarked(String name, String value, Duration grace) {
    return KILLER.killAll(ProcFs.withEnvironment(name, value), grace);
  }

  /**
   * Terminates the tree; completes once every process of it has exited (or was sent
   * SIGKILL and reaped by the kernel). Never throws.
   */
  public static CompletableFuture<Void> kill(ProcessHandle root, Duration grace) {
    return KILLER.kill(root, grace);
  }
}
