package io.corral.common.process;

import io.corral.common.loop.EventLoop;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongFunction;
import java.util.function.Supplier;

/**
 * Kills process trees: SIGTERM to every process of a tree, then, after the grace period, SIGKILL to
 * whatever of it is still alive, children forked meanwhile included. Descendants are found in the
 * process table while their parents live, so the tree is read before the first signal and again
 * before the last.
 *
 * <p>Kills asked for while the loop is busy are served together: one read of the process table
 * finds the trees of all of them. An executor stopping a thousand tasks reads the table a few
 * times, not several times per task (each read is every process on the host: killing one at a time
 * costs O(n) each, O(n²) in all). Whether the killed processes are gone is checked every
 * {@link #POLL} on the processes themselves, not on the table.
 *
 * <p>Everything runs on one loop: its thread reads the tables and sends the signals, its timers time
 * the grace periods. Callers on any thread get a future that completes once every process of the
 * tree has exited.
 */
public final class ProcessKiller {
  /** How often the processes of unfinished kills are checked for having exited. */
  static final Duration POLL = Duration.ofMillis(100);

  private final EventLoop loop;
  private final Supplier<ProcessTable> tables;
  private final LongFunction<Optional<ProcessHandle>> handles;

  // Owned by the loop.
  private final List<Kill> toStart = new ArrayList<>();
  private final List<Kill> toForce = new ArrayList<>();
  private final List<Kill> waiting = new ArrayList<>();
  private boolean readQueued;
  private boolean pollScheduled;

  public ProcessKiller(EventLoop loop) {
    this(loop, ProcessTable::read, ProcessHandle::of);
  }

  ProcessKiller(EventLoop loop, Supplier<ProcessTable> tables, LongFunction<Optional<ProcessHandle>> handles) {
    this.loop = loop;
    this.tables = tables;
    this.handles = handles;
  }

  /** Kills {@code root}, its descendants and, when it leads a session, the rest of that session. */
  public CompletableFuture<Void> kill(ProcessHandle root, Duration grace) {
    return start(new Kill(List.of(root), root.pid(), false, grace));
  }

  /**
   * Kills what is left of a session whose leader (pid {@code sessionId}) may have exited, e.g. the
   * background children of a finished task.
   */
  public CompletableFuture<Void> killSession(long sessionId, Duration grace) {
    return start(new Kill(List.of(), sessionId, true, grace));
  }

  /** Kills the given processes and their descendants. */
  public CompletableFuture<Void> killAll(Collection<ProcessHandle> processes, Duration grace) {
    if (processes.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    return start(new Kill(List.copyOf(processes), -1, false, grace));
  }

  private CompletableFuture<Void> start(Kill kill) {
    loop.execute(() -> {
      toStart.add(kill);
      queueRead();
    });
    return kill.done;
  }

  private void queueRead() {
    if (!readQueued) {
      readQueued = true;
      loop.execute(this::readAndSignal); // after every request queued so far
    }
  }

  /** One read of the table for every kill that asked since the last one. */
  private void readAndSignal() {
    readQueued = false;
    if (toStart.isEmpty() && toForce.isEmpty()) {
      return;
    }
    ProcessTable table = tables.get();
    Map<Duration, List<Kill>> byGrace = new LinkedHashMap<>();
    for (Kill k : drain(toStart)) {
      k.find(table);
      if (k.grace.isZero() || k.grace.isNegative()) {
        k.signal(true);
      } else {
        k.signal(false);
        byGrace.computeIfAbsent(k.grace, g -> new ArrayList<>()).add(k);
      }
      waiting.add(k);
    }
    // One timer for the kills started together with one grace, so their SIGKILLs share a read too.
    byGrace.forEach((grace, kills) -> {
      GraceGroup group = new GraceGroup(kills);
      kills.forEach(k -> k.group = group);
      group.timer = loop.schedule(grace, () -> {
        for (Kill k : kills) {
          if (!k.done.isDone()) {
            toForce.add(k);
          }
        }
        queueRead();
      });
    });
    for (Kill k : drain(toForce)) {
      k.find(table); // what was forked meanwhile
      k.signal(true);
    }
    checkExited();
  }

  private static List<Kill> drain(List<Kill> list) {
    List<Kill> out = new ArrayList<>(list);
    list.clear();
    return out;
  }

  private void checkExited() {
    waiting.removeIf(k -> {
      if (k.tree.values().stream().anyMatch(ProcessHandle::isAlive)) {
        return false;
      }
      k.done.complete(null);
      if (k.group != null && --k.group.open == 0) {
        k.group.timer.cancel();
      }
      return true;
    });
    if (!waiting.isEmpty() && !pollScheduled) {
      pollScheduled = true;
      loop.schedule(POLL, () -> {
        pollScheduled = false;
        checkExited();
      });
    }
  }

  /** Kills started together with the same grace period: one timer ends it for all. */
  private static final class GraceGroup {
    int open; // kills of the group not done yet
    EventLoop.Cancellable timer;

    GraceGroup(List<Kill> kills) {
      this.open = kills.size();
    }
  }

  /** One kill: the processes found so far (kept as handles, so a reused pid is never signalled). */
  private final class Kill {
    final Map<Long, ProcessHandle> tree = new LinkedHashMap<>();
    final long session; // the session the kill may take whole (its leader's pid), or -1
    boolean wholeSession; // the root leads its session (or a session was asked for): all its members go
    boolean looked; // the table was read for this kill before
    final Duration grace;
    final CompletableFuture<Void> done = new CompletableFuture<>();
    GraceGroup group; // with a grace period: the kills whose grace ends with this one's

    Kill(List<ProcessHandle> roots, long session, boolean wholeSession, Duration grace) {
      roots.forEach(p -> tree.put(p.pid(), p));
      this.session = session;
      this.wholeSession = wholeSession;
      this.grace = grace;
    }

    /** Adds to the tree what the table shows below it and in its session. */
    void find(ProcessTable table) {
      // Only from processes still alive (a handle checks the start time): the pid of one that ended may be
      // another process's by now (pids wrap, at 32768 on many hosts), and its children are not this tree.
      List<Long> starts = new ArrayList<>();
      boolean sessionHeld = false;
      for (ProcessHandle p : tree.values()) {
        if (p.isAlive()) {
          starts.add(p.pid());
          sessionHeld |= table.get(p.pid()).map(e -> e.session() == session).orElse(false);
        }
      }
      ProcessHandle root = tree.get(session);
      wholeSession |= session > 0 && root != null && root.isAlive() && table.leadsSession(session);
      // A session id stays taken while any member lives, so its members are this session's when one of
      // the tree is among them, or on the first look at a session whose leader just ended.
      if (wholeSession && (sessionHeld || !looked)) {
        starts.addAll(table.sessionMembers(session));
      }
      looked = true;
      for (long pid : table.descendantsOf(starts)) {
        if (!tree.containsKey(pid)) {
          handles.apply(pid).ifPresent(p -> tree.put(pid, p));
        }
      }
    }

    void signal(boolean force) {
      for (ProcessHandle p : tree.values()) {
        if (force) {
          p.destroyForcibly(); // SIGKILL
        } else {
          p.destroy(); // SIGTERM
        }
      }
    }
  }
}
