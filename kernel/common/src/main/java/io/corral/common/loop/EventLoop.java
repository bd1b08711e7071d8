package io.corral.common.loop;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One thread that owns a component's state. Everything else hands it work through
 * {@link #execute}; nothing else touches the state, so the state needs no locks.
 *
 * <p>A task that throws is logged and the loop carries on: one bad message must not stop a
 * master or an agent.
 */
public final class EventLoop implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EventLoop.class);

  private final ScheduledExecutorService executor;
  private volatile Thread thread;
  private final String name;

  public EventLoop(String name) {
    this.name = name;
    this.executor =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, name);
              t.setDaemon(true);
              thread = t;
              return t;
            });
  }

  public String name() {
    return name;
  }

  /** Runs the task on the loop, later (or never, once the loop is closed). */
  public void execute(Runnable task) {
    tryExecute(task);
  }

  private boolean tryExecute(Runnable task) {
    try {
      executor.execute(guard(task));
      return true;
    } catch (RejectedExecutionException e) {
      LOG.debug("{} is closed; dropped a task", name);
      return false;
    }
  }

  /**
   * Runs the task on the loop and returns its result. Once the loop is closed the future
   * fails with {@link RejectedExecutionException} rather than never completing.
   */
  public <T> CompletableFuture<T> submit(Supplier<T> task) {
    CompletableFuture<T> result = new CompletableFuture<>();
    boolean queued =
        tryExecute(
            () -> {
              try {
                result.complete(task.get());
              } catch (Throwable t) {
                result.completeExceptionally(t);
                throw t;
              }
            });
    if (!queued) {
      result.completeExceptionally(new RejectedExecutionException(name + " is closed"));
    }
    return result;
  }

  public Cancellable schedule(Duration delay, Runnable task) {
    try {
      ScheduledFuture<?> f =
          executor.schedule(guard(task), Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
      return () -> f.cancel(false);
    } catch (RejectedExecutionException e) {
      return () -> {};
    }
  }

  /**
   * Runs {@code task} every {@code delay} after the end of its previous run (the loop offers no
   * fixed rate on purpose): a loop that stalled does not run the missed runs back to back: whatever queued up meanwhile
   * (say, the answers to pings) runs before the next one.
   */
  public Cancellable scheduleWithFixedDelay(Duration delay, Runnable task) {
    try {
      ScheduledFuture<?> f =
          executor.scheduleWithFixedDelay(guard(task), delay.toNanos(), delay.toNanos(), TimeUnit.NANOSECONDS);
      return () -> f.cancel(false);
    } catch (RejectedExecutionException e) {
      return () -> {};
    }
  }

  public boolean inLoop() {
    return Thread.currentThread() == thread;
  }

  /** Fails fast when state is touched from the wrong thread. */
  public void assertInLoop() {
    if (!inLoop()) {
      throw new IllegalStateException(
          "called from " + Thread.currentThread().getName() + ", not from " + name);
    }
  }

  private Runnable guard(Runnable task) {
    return () -> {
      try {
        task.run();
      } catch (Throwable t) {
        LOG.error("{}: unexpected error in event handler (the loop carries on)", name, t);
      }
    };
  }

  @Override
  public void close() {
    executor.shutdownNow();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** A scheduled task that can be called off. */
  @FunctionalInterface
  public interface Cancellable {
    void cancel();
  }
}
