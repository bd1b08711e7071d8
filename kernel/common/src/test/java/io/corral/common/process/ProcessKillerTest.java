package io.corral.common.process;

import static org.assertj.core.api.Assertions.assertThat;

import io.corral.common.loop.ManualEventLoop;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The killer's rules on a manual loop, a process table the test writes and processes that only
 * record the signals they get (nothing real is signalled): ProcessTreeTest kills real trees.
 */
class ProcessKillerTest {
  private static final Duration GRACE = Duration.ofSeconds(10);
  private final ManualEventLoop loop = new ManualEventLoop();
  private final Map<Long, FakeProcess> processes = new HashMap<>();
  private int tableReads;
  private final ProcessKiller killer = new ProcessKiller(loop, this::table,
      pid -> Optional.ofNullable(processes.get(pid)));

  private ProcessTable table() {
    tableReads++;
    List<ProcessTable.Entry> live = new ArrayList<>();
    for (FakeProcess p : processes.values()) {
      if (p.isAlive()) {
        live.add(new ProcessTable.Entry(p.pid, p.ppid, p.session, 0, 0, 0));
      }
    }
    return ProcessTable.of(live);
  }

  private FakeProcess process(long pid, long ppid, long session) {
    FakeProcess p = new FakeProcess(pid, ppid, session);
    processes.put(pid, p);
    return p;
  }

  @Test
  void aProcessStillAliveWhenTheGraceEndsIsKilled() {
    FakeProcess p = process(100, 1, 1).ignoringTerm();
    CompletableFuture<Void> killed = killer.kill(p, GRACE);
    loop.runPending();
    assertThat(p.signals).containsExactly("TERM");

    loop.advance(GRACE.minusMillis(1));
    assertThat(p.signals).containsExactly("TERM");
    assertThat(killed).isNotDone();

    loop.advance(Duration.ofMillis(1));
    assertThat(p.signals).containsExactly("TERM", "KILL");
    assertThat(killed).isCompleted();
  }

  @Test
  void aProcessThatExitsWithinTheGraceIsNotKilled() {
    FakeProcess p = process(100, 1, 1).ignoringTerm();
    CompletableFuture<Void> killed = killer.kill(p, GRACE);
    loop.advance(Duration.ofSeconds(3));

    p.exits();
    loop.advance(ProcessKiller.POLL);

    assertThat(killed).isCompleted();
    loop.advance(Duration.ofMinutes(1));
    assertThat(p.signals).containsExactly("TERM");
    assertThat(loop.scheduledCount()).as("neither the grace timer nor the poll is left").isZero();
  }

  @Test
  void withoutAGraceTheProcessIsKilledAtOnce() {
    FakeProcess p = process(100, 1, 1).ignoringTerm();
    CompletableFuture<Void> killed = killer.kill(p, Duration.ZERO);
    loop.runPending();

    assertThat(p.signals).containsExactly("KILL");
    assertThat(killed).isCompleted();
    assertThat(loop.scheduledCount()).isZero();
  }

  @Test
  void theTreeIsTheDescendantsAndTheRestOfTheSessionItLeads() {
    FakeProcess leader = process(100, 1, 100).ignoringTerm();
    FakeProcess child = process(101, 100, 100).ignoringTerm();
    FakeProcess grandchild = process(102, 101, 100).ignoringTerm();
    FakeProcess reparented = process(103, 1, 100).ignoringTerm(); // its parent died; still in the session
    FakeProcess itsChild = process(104, 103, 7).ignoringTerm(); // left the session, not the tree
    FakeProcess stranger = process(200, 1, 200).ignoringTerm();

    killer.kill(leader, Duration.ZERO);
    loop.runPending();

    for (FakeProcess p : List.of(leader, child, grandchild, reparented, itsChild)) {
      assertThat(p.signals).as("pid %d", p.pid).containsExactly("KILL");
    }
    assertThat(stranger.signals).isEmpty();
  }

  @Test
  void aRootThatLeadsNoSessionTakesOnlyItsDescendants() {
    FakeProcess root = process(100, 1, 50).ignoringTerm();
    FakeProcess child = process(101, 100, 50).ignoringTerm();
    FakeProcess sessionPeer = process(102, 1, 50).ignoringTerm();

    killer.kill(root, Duration.ZERO);
    loop.runPending();

    assertThat(child.signals).containsExactly("KILL");
    assertThat(sessionPeer.signals).isEmpty();
  }

  @Test
  void childrenForkedDuringTheGraceAreKilledWithTheRest() {
    FakeProcess leader = process(100, 1, 100).ignoringTerm();
    killer.kill(leader, GRACE);
    loop.runPending();
    FakeProcess late = process(101, 100, 100).ignoringTerm(); // forked on TERM
    FakeProcess lateOrphan = process(102, 1, 100).ignoringTerm();

    loop.advance(GRACE);

    assertThat(leader.signals).containsExactly("TERM", "KILL");
    assertThat(late.signals).containsExactly("KILL");
    assertThat(lateOrphan.signals).containsExactly("KILL");
  }

  @Test
  void theSessionOfALeaderThatDiedDuringTheGraceIsStillKilled() {
    FakeProcess leader = process(100, 1, 100); // dies on TERM
    FakeProcess stubborn = process(101, 100, 100).ignoringTerm();
    CompletableFuture<Void> killed = killer.kill(leader, GRACE);
    loop.runPending();
    stubborn.ppid = 1; // re-parented when its parent died
    FakeProcess late = process(102, 101, 100).ignoringTerm();

    loop.advance(GRACE);

    assertThat(stubborn.signals).containsExactly("TERM", "KILL");
    assertThat(late.signals).containsExactly("KILL");
    assertThat(killed).isCompleted();
  }

  @Test
  void aPidReusedDuringTheGraceIsNotTakenForTheTree() {
    FakeProcess leader = process(100, 1, 100); // dies on TERM
    FakeProcess stubborn = process(101, 100, 100).ignoringTerm(); // keeps the kill open
    killer.kill(leader, GRACE);
    loop.runPending();
    stubborn.ppid = 1;
    FakeProcess stranger = process(100, 1, 300).ignoringTerm(); // pid 100 again: another process, its own session
    FakeProcess strangersChild = process(301, 100, 300).ignoringTerm();

    loop.advance(GRACE);

    assertThat(stubborn.signals).containsExactly("TERM", "KILL");
    assertThat(stranger.signals).isEmpty();
    assertThat(strangersChild.signals).isEmpty();
  }

  @Test
  void whatIsLeftOfASessionWhoseLeaderExitedIsKilled() {
    FakeProcess background = process(101, 1, 100);
    FakeProcess other = process(201, 1, 200);

    CompletableFuture<Void> killed = killer.killSession(100, Duration.ZERO);
    loop.runPending();

    assertThat(background.signals).containsExactly("KILL");
    assertThat(other.signals).isEmpty();
    assertThat(killed).isCompleted();
  }

  @Test
  void killsAskedForTogetherShareOneReadOfTheTable() {
    List<CompletableFuture<Void>> kills = new ArrayList<>();
    for (long pid = 1000; pid < 2000; pid++) {
      FakeProcess task = process(pid, 1, pid).ignoringTerm();
      process(pid + 10_000, pid, pid).ignoringTerm();
      kills.add(killer.kill(task, GRACE));
    }
    for (long session = 3000; session < 4000; session++) { // tasks that ended, their background children left
      process(session + 10_000, 1, session);
      kills.add(killer.killSession(session, Duration.ZERO));
    }

    loop.runPending();
    assertThat(tableReads).as("one read for 2,000 kills").isEqualTo(1);
    assertThat(processes.get(11_999L).signals).containsExactly("TERM");
    assertThat(processes.get(13_999L).signals).containsExactly("KILL");

    loop.advance(GRACE);
    assertThat(tableReads).as("and one more before all the SIGKILLs").isEqualTo(2);
    assertThat(processes.get(11_999L).signals).containsExactly("TERM", "KILL");
    assertThat(kills).allMatch(CompletableFuture::isDone);
  }

  @Test
  void killsAskedForLaterReadTheTableAgain() {
    killer.kill(process(100, 1, 100), Duration.ZERO);
    loop.runPending();
    killer.kill(process(200, 1, 200), Duration.ZERO);
    loop.runPending();

    assertThat(tableReads).isEqualTo(2);
  }

  /** A process that records the signals it gets: it dies of SIGTERM unless told to ignore it, and of SIGKILL. */
  private static final class FakeProcess implements ProcessHandle {
    final long pid;
    long ppid;
    final long session;
    boolean ignoresTerm;
    final List<String> signals = new ArrayList<>();
    final CompletableFuture<ProcessHandle> exit = new CompletableFuture<>();

    FakeProcess(long pid, long ppid, long session) {
      this.pid = pid;
      this.ppid = ppid;
      this.session = session;
    }

    FakeProcess ignoringTerm() {
      ignoresTerm = true;
      return this;
    }

    void exits() {
      exit.complete(this);
    }

    @Override
    public long pid() {
      return pid;
    }

    @Override
    public Optional<ProcessHandle> parent() {
      return Optional.empty();
    }

    @Override
    public Stream<ProcessHandle> children() {
      throw new AssertionError("the killer reads the table, not the JDK's process scan");
    }

    @Override
    public Stream<ProcessHandle> descendants() {
      throw new AssertionError("the killer reads the table, not the JDK's process scan");
    }

    @Override
    public Info info() {
      return ProcessHandle.current().info();
    }

    @Override
    public CompletableFuture<ProcessHandle> onExit() {
      return exit;
    }

    @Override
    public boolean supportsNormalTermination() {
      return true;
    }

    @Override
    public boolean destroy() {
      signals.add("TERM");
      if (!ignoresTerm) {
        exits();
      }
      return true;
    }

    @Override
    public boolean destroyForcibly() {
      signals.add("KILL");
      exits();
      return true;
    }

    @Override
    public boolean isAlive() {
      return !exit.isDone();
    }

    @Override
    public int compareTo(ProcessHandle other) {
      return Long.compare(pid(), other.pid());
    }
  }
}
