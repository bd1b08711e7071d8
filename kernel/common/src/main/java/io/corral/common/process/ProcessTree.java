package io.corral.common.process;

import io.corral.common.loop.EventLoop;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Kills a process and all of its descendants: SIGTERM to every process of the tree, then
 * SIGKILL to whatever is still alive (including children forked meanwhile) after the grace
 * period. Descendants are found through /proc while their parents live, so a snapshot is
 * taken before the first signal and refreshed before the last.
 */
public final class ProcessTree {
  /** Times the grace periods of the kills that name no loop of their own. */
  private static final EventLoop KILLER = EventLoop.threaded("corral-process-killer");

  private ProcessTree() {}

  /**
   * The process, its live descendants (parents first) and, when it leads a session (it was
   * started through setsid), the other live processes of that session: children that were
   * re-parented after their parent died stay in the session.
   */
  public static List<ProcessHandle> snapshot(ProcessHandle root) {
    Map<Long, ProcessHandle> all = new LinkedHashMap<>();
    all.put(root.pid(), root);
    root.descendants().forEach(p -> all.putIfAbsent(p.pid(), p));
    if (ProcFs.sessionOf(root.pid()).orElse(-1) == root.pid()) {
      for (ProcessHandle p : ProcFs.sessionMembers(root.pid())) {
        all.putIfAbsent(p.pid(), p);
        p.descendants().forEach(d -> all.putIfAbsent(d.pid(), d));
      }
    }
    return new ArrayList<>(all.values());
  }

  /**
   * Kills what is left of a session whose leader (pid {@code sessionId}) has exited, e.g. the
   * background children of a finished task.
   */
  public static CompletableFuture<Void> killSession(long sessionId, Duration grace) {
    List<ProcessHandle> members = ProcFs.sessionMembers(sessionId);
    return killAll(members, grace);
  }

  /**
   * Kills every process whose environment marks it as part of a container ({@code name=value}
   * is inherited by all children, even those that left their parent's session).
   */
  public static CompletableFuture<Void> killMarked(String name, String value, Duration grace) {
    return killAll(ProcFs.withEnvironment(name, value), grace);
  }

  private static CompletableFuture<Void> killAll(List<ProcessHandle> processes, Duration grace) {
    if (processes.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    List<CompletableFuture<Void>> kills = new ArrayList<>();
    for (ProcessHandle p : processes) {
      kills.add(kill(p, grace));
    }
    return CompletableFuture.allOf(kills.toArray(new CompletableFuture<?>[0]));
  }

  /**
   * Terminates the tree; completes once every process of it has exited (or was sent
   * SIGKILL and reaped by the kernel). Never throws.
   */
  public static CompletableFuture<Void> kill(ProcessHandle root, Duration grace) {
    return kill(root, grace, KILLER);
  }

  /** As {@link #kill(ProcessHandle, Duration)}, the grace period timed on {@code timer}. */
  public static CompletableFuture<Void> kill(ProcessHandle root, Duration grace, EventLoop timer) {
    Map<Long, ProcessHandle> tree = new LinkedHashMap<>();
    for (ProcessHandle p : snapshot(root)) {
      tree.put(p.pid(), p);
    }
    boolean sessionLeader = ProcFs.sessionOf(root.pid()).orElse(-1) == root.pid();
    if (grace.isZero() || grace.isNegative()) {
      return forceKill(root, tree, sessionLeader);
    }
    for (ProcessHandle p : tree.values()) {
      p.destroy(); // SIGTERM
    }
    CompletableFuture<Void> done = new CompletableFuture<>();
    CompletableFuture<Void> allExited = onAllExited(tree.values());
    allExited.thenRun(() -> done.complete(null));
    timer.schedule(grace, () -> {
      if (!done.isDone()) {
        forceKill(root, tree, sessionLeader).thenRun(() -> done.complete(null));
      }
    });
    return done;
  }

  private static CompletableFuture<Void> forceKill(
      ProcessHandle root, Map<Long, ProcessHandle> tree, boolean sessionLeader) {
    if (root.isAlive()) {
      root.descendants().forEach(p -> tree.putIfAbsent(p.pid(), p));
    }
    if (sessionLeader) { // children forked during the grace period, re-parented or not
      ProcFs.sessionMembers(root.pid()).forEach(p -> tree.putIfAbsent(p.pid(), p));
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
