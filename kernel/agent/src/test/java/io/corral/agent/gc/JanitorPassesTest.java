package io.corral.agent.gc;

import static org.assertj.core.api.Assertions.assertThat;

import io.corral.common.loop.ManualEventLoop;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The janitor's passes are timed by the agent's loop (manual here: no real time passes) and done on
 * the janitor's thread (here a queue the test runs by hand).
 */
class JanitorPassesTest {
  private static final Duration MS = Duration.ofMillis(1);
  private final ManualEventLoop loop = new ManualEventLoop();
  private final Queue<Runnable> disk = new ArrayDeque<>();
  private Set<Path> live = Set.of(Path.of("/work/frameworks/f/executors/e/runs/r1"));
  private final List<String> passes = new ArrayList<>();

  private JanitorPasses janitor() {
    return new JanitorPasses(loop, disk::add, () -> {
      loop.assertInLoop(); // the live sandboxes are the loop's to read
      return live;
    })
        .every(Duration.ofSeconds(10), sandboxes -> passes.add("rotate " + sandboxes.size()))
        .every(Duration.ofMinutes(1), sandboxes -> passes.add("collect " + sandboxes.size()));
  }

  private void runDiskWork() {
    for (Runnable r; (r = disk.poll()) != null; ) {
      r.run();
    }
  }

  @Test
  void eachPassRunsEveryPeriodOnTheDiskThreadWithTheSandboxesLiveAtItsTurn() {
    janitor();

    loop.advance(Duration.ofSeconds(10).minus(MS));
    assertThat(disk).isEmpty();
    loop.advance(MS);
    assertThat(passes).as("handed over, not run on the loop").isEmpty();
    runDiskWork();
    assertThat(passes).containsExactly("rotate 1");

    live = Set.of(Path.of("/a"), Path.of("/b"));
    for (int i = 0; i < 5; i++) {
      loop.advance(Duration.ofSeconds(10));
      runDiskWork();
    }
    assertThat(passes).containsExactlyInAnyOrder("rotate 1", "rotate 2", "rotate 2", "rotate 2", "rotate 2",
        "rotate 2", "collect 2"); // at one minute both fall due
  }

  @Test
  void aPassStillRunningAtItsNextTurnIsNotStartedAgain() {
    janitor();
    loop.advance(Duration.ofSeconds(10));
    assertThat(disk).hasSize(1);

    loop.advance(Duration.ofSeconds(30)); // the disk thread is stuck on the first rotation
    assertThat(disk).hasSize(1);

    runDiskWork();
    loop.advance(Duration.ofSeconds(10));
    runDiskWork();
    assertThat(passes).containsExactly("rotate 1", "rotate 1");
  }

  @Test
  void aFailedPassDoesNotStopTheNextOnes() {
    new JanitorPasses(loop, disk::add, () -> live).every(Duration.ofSeconds(10), sandboxes -> {
      passes.add("tried");
      throw new IllegalStateException("disk error");
    });

    for (int i = 0; i < 3; i++) {
      loop.advance(Duration.ofSeconds(10));
      runDiskWork();
    }

    assertThat(passes).hasSize(3);
  }

  @Test
  void closedNoPassStartsAnyMore() {
    JanitorPasses janitor = janitor();
    loop.advance(Duration.ofSeconds(10));
    runDiskWork();

    janitor.close();
    loop.advance(Duration.ofHours(1));

    assertThat(disk).isEmpty();
    assertThat(passes).containsExactly("rotate 1");
    assertThat(loop.scheduledCount()).isZero();
  }
}
