package io.corral.common.loop;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;

/**
 * One thread that owns a component's state. Everything else hands it work through
 * {@link #execute}; nothing else touches the state, so the state needs no locks. Its timers are
 * its own too: whatever runs on a schedule runs on the loop, so time is a seam: a daemon's loop
 * ({@link #threaded}) runs on real time, a unit test's ({@link ManualEventLoop}) when the test
 * advances it.
 *
 * <p>A task that throws is logged and the loop carries on: one bad message must not stop a
 * master or an agent.
 */
public interface EventLoop extends AutoCloseable {

  /** A loop with a thread of its own named {@code name}, its timers on real time. */
  static EventLoop threaded(String name) {
    return new ThreadEventLoop(name);
  }

  String name();

  /** Runs the task on the loop, later (or never, once the loop is closed). */
  void execute(Runnable task);

  /**
   * Runs the task on the loop and returns its result. Once the loop is closed the future
   * fails with {@link RejectedExecutionException} rather than never completing.
   */
  <T> CompletableFuture<T> submit(Supplier<T> task);

  /** Runs the task on the loop once {@code delay} has passed (at once for a negative delay). */
  Cancellable schedule(Duration delay, Runnable task);

  /**
   * Runs {@code task} every {@code delay} after the end of its previous run (the loop offers no
   * fixed rate on purpose): a loop that stalled does not run the missed runs back to back:
   * whatever queued up meanwhile (say, the answers to pings) runs before the next one.
   */
  Cancellable scheduleWithFixedDelay(Duration delay, Runnable task);

  /** Whether the caller runs on this loop. */
  boolean inLoop();

  /** Fails fast when state is touched from the wrong thread. */
  default void assertInLoop() {
    if (!inLoop()) {
      throw new IllegalStateException("called from " + Thread.currentThread().getName() + ", not from " + name());
    }
  }

  /** Stops the loop: queued and scheduled tasks are dropped, later ones refused. */
  @Override
  void close();

  /** A scheduled task that can be called off. */
  @FunctionalInterface
  interface Cancellable {
    void cancel();
  }
}
