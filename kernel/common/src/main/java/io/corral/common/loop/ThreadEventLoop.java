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
 * The {@link EventLoop} of a running daemon: one thread of its own, real time for its timers.
 *
 * <p>A task that throws is logged and the loop carries on: one bad message must not stop a
 * master or an agent.
 */
final class ThreadEventLoop implements EventLoop {
  private static final Logger LOG = LoggerFactory.getLogger(ThreadEventLoop.class);

  private final ScheduledExecutorService executor;
  private volatile Thread thread;
  private final String name;

  ThreadEventLoop(String name) {
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

  @Override
  public String name() {
    return name;
  }

  @Override
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

  @Override
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

  @Override
  public Cancellable schedule(Duration delay, Runnable task) {
    try {
      ScheduledFuture<?> f =
          executor.schedule(guard(task), Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
      return () -> f.cancel(false);
    } catch (RejectedExecutionException e) {
      return () -> {};
    }
  }

  @Override
  public Cancellable scheduleWithFixedDelay(Duration delay, Runnable task) {
    try {
      ScheduledFuture<?> f =
          executor.scheduleWithFixedDelay(guard(task), delay.toNanos(), delay.toNanos(), TimeUnit.NANOSECONDS);
      return () -> f.cancel(false);
    } catch (RejectedExecutionException e) {
      return () -> {};
    }
  }

  @Override
  public boolean inLoop() {
    return Thread.currentThread() == thread;
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
}
