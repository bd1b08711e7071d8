package io.corral.common.process;

import static org.assertj.core.api.Assertions.assertThat;

import io.corral.common.loop.ManualEventLoop;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The grace period between SIGTERM and SIGKILL, timed on a manual loop, with a process that is
 * not one (no real time passes, nothing is signalled): ProcessTreeTest kills real process trees.
 */
class ProcessTreeGraceTest {
  private static final Duration GRACE = Duration.ofSeconds(10);
  private final ManualEventLoop loop = new ManualEventLoop();
  private final FakeProcess process = new FakeProcess();

  @Test
  void aProcessStillAliveWhenTheGraceEndsIsKilled() {
    CompletableFuture<Void> killed = ProcessTree.kill(process, GRACE, loop);
    assertThat(process.signals).containsExactly("TERM");

    loop.advance(GRACE.minusMillis(1));
    assertThat(process.signals).containsExactly("TERM");
    assertThat(killed).isNotDone();

    loop.advance(Duration.ofMillis(1));
    assertThat(process.signals).containsExactly("TERM", "KILL");
    assertThat(killed).isCompleted();
  }

  @Test
  void aProcessThatExitsWithinTheGraceIsNotKilled() {
    CompletableFuture<Void> killed = ProcessTree.kill(process, GRACE, loop);
    loop.advance(Duration.ofSeconds(3));

    process.exits();

    assertThat(killed).isCompleted();
    loop.advance(Duration.ofMinutes(1));
    assertThat(process.signals).containsExactly("TERM");
  }

  @Test
  void withoutAGraceTheProcessIsKilledAtOnce() {
    CompletableFuture<Void> killed = ProcessTree.kill(process, Duration.ZERO, loop);

    assertThat(process.signals).containsExactly("KILL");
    assertThat(killed).isCompleted();
    assertThat(loop.scheduledCount()).isZero();
  }

  /** A process that records the signals it gets: it ignores SIGTERM and dies of SIGKILL. */
  private static final class FakeProcess implements ProcessHandle {
    final List<String> signals = new ArrayList<>();
    final CompletableFuture<ProcessHandle> exit = new CompletableFuture<>();

    void exits() {
      exit.complete(this);
    }

    @Override
    public long pid() {
      return -42; // no such process: /proc knows nothing of it
    }

    @Override
    public Optional<ProcessHandle> parent() {
      return Optional.empty();
    }

    @Override
    public Stream<ProcessHandle> children() {
      return Stream.empty();
    }

    @Override
    public Stream<ProcessHandle> descendants() {
      return Stream.empty();
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
