package io.corral.agent.gc;

import io.corral.common.loop.EventLoop;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Times the janitor's passes on the agent's loop, which owns what a pass needs: at each pass the
 * loop reads the live sandboxes and hands them to the janitor's thread, where the pass touches the
 * disk. A pass still running when its next turn comes is not started again (the turn is skipped),
 * so a slow disk never piles passes up, and the loop never waits for one.
 */
public final class JanitorPasses implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(JanitorPasses.class);

  private final EventLoop loop;
  private final Executor disk;
  private final Supplier<Set<Path>> liveSandboxes;
  private final List<EventLoop.Cancellable> timers = new ArrayList<>();

  /**
   * @param disk where the passes run (one thread, so that they never run at once)
   * @param liveSandboxes the sandboxes of every executor run the agent has; read on the loop
   */
  public JanitorPasses(EventLoop loop, Executor disk, Supplier<Set<Path>> liveSandboxes) {
    this.loop = loop;
    this.disk = disk;
    this.liveSandboxes = liveSandboxes;
  }

  /** Runs {@code pass} with the live sandboxes every {@code period}. */
  public JanitorPasses every(Duration period, Consumer<Set<Path>> pass) {
    AtomicBoolean running = new AtomicBoolean();
    timers.add(loop.scheduleWithFixedDelay(period, () -> {
      if (!running.compareAndSet(false, true)) {
        return; // the previous one still runs
      }
      Set<Path> live = Set.copyOf(liveSandboxes.get());
      try {
        disk.execute(() -> {
          try {
            pass.accept(live);
          } catch (RuntimeException e) {
            LOG.warn("a janitor pass failed (the next one runs as usual): {}", e.toString());
          } finally {
            running.set(false);
          }
        });
      } catch (RejectedExecutionException e) {
        running.set(false); // the agent is stopping
      }
    }));
    return this;
  }

  /** No more passes (one already handed over still runs). */
  @Override
  public void close() {
    timers.forEach(EventLoop.Cancellable::cancel);
  }
}
