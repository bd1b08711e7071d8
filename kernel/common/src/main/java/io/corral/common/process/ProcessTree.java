package io.corral.common.process;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Kills a process and all of its descendants: SIGTERM to every process of the tree, then
 * SIGKILL to whatever is still alive (including children forked meanwhile) after the grace
 * period. Descendants are found through /proc while their parents live, so a snapshot is
 * taken before the first signal and refreshed before the last.
 */
public final class ProcessTree {
  private static final ScheduledExecutorService TIMER =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "corral-process-killer");
            t.setDaemon(true);
            return t;
          });

  private ProcessTree() {}

  /** The process and its live descendants, parents first. */
  public static List<ProcessHandle> snapshot(ProcessHandle root) {
    List<ProcessHandle> all = new ArrayList<>();
    all.add(root);
    root.descendants().forEach(all::add);
    return all;
  }

  /**
   * Terminates the tree; completes once every process of it has exited (or was sent
   * SIGKILL and reaped by the kernel). Never throws.
   */
  public static CompletableFuture<Void> kill(ProcessHandle root, Duration grace) {
    Map<Long, ProcessHandle> tree = new LinkedHashMap<>();
    for (ProcessHandle p : snapshot(root)) {
      tree.put(p.pid(), p);
    }
    if (grace.isZero() || grace.isNegative()) {
      return forceKill(root, tree);
    }
    for (ProcessHandle p : tree.values()) {
      p.destroy(); // SIGTERM
    }
    CompletableFuture<Void> done = new CompletableFuture<>();
    CompletableFuture<Void> allExited = onAllExited(tree.values());
    allExited.thenRun(() -> done.complete(null));
    TIMER.schedule(
        () -> {
          if (!done.isDone()) {
            forceKill(root, tree).thenRun(() -> done.complete(null));
          }
        },
        grace.toMillis(),
        TimeUnit.MILLISECONDS);
    return done;
  }

  private static CompletableFuture<Void> forceKill(ProcessHandle root, Map<Long, ProcessHandle> tree) {
    if (root.isAlive()) {
      root.descendants().forEach(p -> tree.putIfAbsent(p.pid(), p));
    }
    for (ProcessHandle p : tree.values()) {
      p.descendants().forEach(d -> d.destroyForcibly());
      p.destroyForcibly(); // SIGKILL
    }
    return onAllExited(tree.values());
  }

  private static CompletableFuture<Void> onAllExited(Iterable<ProcessHandle> processes) {
    List<CompletableFuture<ProcessHandle>> exits = new ArrayList<>();
    for (ProcessHandle p : processes) {
      exits.add(p.onExit());
    }
    return CompletableFuture.allOf(exits.toArray(new CompletableFuture<?>[0]));
  }
}
