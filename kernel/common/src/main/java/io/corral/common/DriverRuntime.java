package io.corral.common;

import io.corral.common.loop.EventLoop;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The threads and life cycle the scheduler and executor drivers share: a driver thread (an
 * event loop owning the connection and state), a callback thread that runs the framework's
 * callbacks one at a time, and the NOT_STARTED → RUNNING → STOPPED|ABORTED status that
 * {@code join()} waits on.
 */
public final class DriverRuntime {
  private static final Logger LOG = LoggerFactory.getLogger(DriverRuntime.class);

  /** The longest a stop() or abort() waits for the driver's clean-up. */
  public static final Duration MAX_CLEANUP = Duration.ofSeconds(30);

  private final EventLoop loop;
  private final ExecutorService callbacks;
  private final CountDownLatch done = new CountDownLatch(1);
  private volatile DriverStatus status = DriverStatus.DRIVER_NOT_STARTED;

  /** @param kind names the threads: "corral-{kind}-driver" and "corral-{kind}-callbacks" */
  public DriverRuntime(String kind) {
    this.loop = EventLoop.threaded("corral-" + kind + "-driver");
    this.callbacks = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "corral-" + kind + "-callbacks");
      t.setDaemon(true);
      return t;
    });
  }

  public EventLoop loop() {
    return loop;
  }

  public DriverStatus status() {
    return status;
  }

  public boolean isRunning() {
    return status == DriverStatus.DRIVER_RUNNING;
  }

  /** Moves to RUNNING (once) and runs {@code onLoop} on the driver thread. */
  public DriverStatus start(Runnable onLoop) {
    synchronized (this) {
      if (status != DriverStatus.DRIVER_NOT_STARTED) {
        return status;
      }
      status = DriverStatus.DRIVER_RUNNING;
    }
    loop.execute(onLoop);
    return status;
  }

  /**
   * Moves to {@code end} (once): {@code cleanupOnLoop} runs on the driver thread, then
   * {@code join()} returns after the callbacks already queued. Called off the driver thread, this
   * returns once the clean-up has run.
   */
  public DriverStatus finish(DriverStatus end, Runnable cleanupOnLoop) {
    return finishAfter(end, () -> {
      cleanupOnLoop.run();
      return CompletableFuture.completedFuture(null);
    });
  }

  /**
   * Moves to {@code end} (once): {@code cleanupOnLoop} runs on the driver thread and returns a stage
   * that completes when its work is done (say, once the peer confirmed a last call); then
   * {@code join()} returns, after the callbacks already queued. Called off the driver thread, this
   * returns only once the clean-up is done (at most {@link #MAX_CLEANUP} later), so that a process
   * may exit right after it.
   */
  public DriverStatus finishAfter(DriverStatus end, Supplier<? extends CompletionStage<?>> cleanupOnLoop) {
    CompletableFuture<Void> cleaned = new CompletableFuture<>();
    synchronized (this) {
      if (status == DriverStatus.DRIVER_NOT_STARTED) {
        status = end;
        done.countDown();
        return status;
      }
      if (status != DriverStatus.DRIVER_RUNNING) {
        return status;
      }
      status = end;
    }
    loop.execute(() -> {
      CompletionStage<?> cleanup;
      try {
        cleanup = cleanupOnLoop.get();
      } catch (RuntimeException e) {
        LOG.warn("the driver's clean-up failed: {}", e.toString());
        cleanup = CompletableFuture.completedFuture(null);
      }
      cleanup.whenComplete((v, error) -> {
        try {
          callbacks.execute(done::countDown);
        } catch (RejectedExecutionException e) {
          done.countDown();
        }
        callbacks.shutdown();
        cleaned.complete(null);
      });
    });
    if (!loop.inLoop()) {
      awaitCleanup(cleaned);
    }
    return end;
  }

  private void awaitCleanup(CompletableFuture<Void> cleaned) {
    try {
      cleaned.get(MAX_CLEANUP.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      LOG.warn("the driver's clean-up did not end within {}; going on without it", MAX_CLEANUP);
    } catch (ExecutionException e) {
      LOG.debug("the driver's clean-up failed: {}", e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Waits until the driver is stopped or aborted. */
  public DriverStatus join() {
    try {
      done.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return status;
  }

  /** Runs a callback on the callback thread, unless the driver has stopped meanwhile. */
  public void callback(Runnable r) {
    submit(r, false);
  }

  /** Runs a callback even if the driver stops meanwhile (an error that aborts it, a shutdown). */
  public void callbackAlways(Runnable r) {
    submit(r, true);
  }

  private void submit(Runnable r, boolean always) {
    try {
      callbacks.execute(() -> {
        if (!always && (status == DriverStatus.DRIVER_ABORTED || status == DriverStatus.DRIVER_STOPPED)) {
          return; // no callbacks once stop() or abort() returned
        }
        try {
          r.run();
        } catch (Throwable t) {
          LOG.error("a callback threw", t);
        }
      });
    } catch (RejectedExecutionException e) {
      LOG.debug("callback dropped: the driver has stopped");
    }
  }
}
