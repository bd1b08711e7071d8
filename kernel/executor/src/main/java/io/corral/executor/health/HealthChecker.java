package io.corral.executor.health;

import io.corral.common.loop.EventLoop;
import java.time.Clock;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks one task's health: the first check {@code delay} after {@link #start}, the next one
 * {@code interval} after the previous ended; a check that takes longer than {@code timeout} fails and
 * is stopped. Results go to a {@link HealthCheckPolicy}, whose decisions go to the {@link Listener}.
 *
 * <p>Its state is owned by the loop (timers included), so on a {@code ManualEventLoop} it runs on
 * the test's time; the checks themselves run off the loop ({@link Probe}) and hand their results back.
 */
public final class HealthChecker {
  private static final Logger LOG = LoggerFactory.getLogger(HealthChecker.class);

  /** Told what the checks decided, on the checker's loop; return quickly. */
  public interface Listener {
    /** The task's health is known for the first time, or changed. */
    void healthChanged(boolean healthy, String message);

    /** The task failed too many checks in a row: kill it. The checker has stopped. */
    void unhealthy(String message);
  }

  private final String taskId;
  private final HealthCheckSettings settings;
  private final Probe probe;
  private final EventLoop loop;
  private final Clock clock;
  private final Listener listener;

  // Loop-owned.
  private HealthCheckPolicy policy;
  private EventLoop.Cancellable next;
  private EventLoop.Cancellable deadline;
  private Probe.Run running;
  private long checks;
  private boolean stopped;

  public HealthChecker(String taskId, HealthCheckSettings settings, Probe probe, EventLoop loop, Clock clock,
      Listener listener) {
    this.taskId = taskId;
    this.settings = settings;
    this.probe = probe;
    this.loop = loop;
    this.clock = clock;
    this.listener = listener;
  }

  /** Starts checking: the task started now. */
  public void start() {
    loop.execute(() -> {
      if (stopped || policy != null) {
        return;
      }
      policy = new HealthCheckPolicy(settings, clock.instant());
      next = loop.schedule(settings.delay(), this::check);
    });
  }

  /**
   * Stops checking (a check under way is stopped too). Once it returns the listener is not called
   * again, so an update sent after it (the task's end) is the task's last.
   */
  public void stop() {
    if (loop.inLoop()) {
      stopNow();
      return;
    }
    try {
      loop.submit(() -> {
        stopNow();
        return null;
      }).join();
    } catch (CompletionException | CancellationException closed) {
      // the loop is closed: nothing runs on it any more
    }
  }

  private void stopNow() {
    stopped = true;
    cancel(next);
    next = null;
    endRun();
  }

  private void check() {
    if (stopped) {
      return;
    }
    long id = ++checks;
    Probe.Run run;
    try {
      run = probe.start();
    } catch (RuntimeException e) {
      LOG.warn("health check of task {} could not start: {}", taskId, e.toString());
      decide(CheckResult.failed(probe.what() + ": " + e.getMessage()));
      return;
    }
    running = run;
    deadline = loop.schedule(settings.timeout(), () -> timedOut(id));
    run.result().whenComplete((result, error) -> loop.execute(() -> finished(id, result, error)));
  }

  private void finished(long id, CheckResult result, Throwable error) {
    if (stopped || id != checks || running == null) {
      return; // stopped, or it timed out already
    }
    cancel(deadline);
    running = null;
    decide(result != null ? result : CheckResult.failed(probe.what() + ": " + error));
  }

  private void timedOut(long id) {
    if (stopped || id != checks || running == null) {
      return;
    }
    endRun();
    decide(CheckResult.failed(probe.what() + " timed out after " + HealthCheckSettings.say(settings.timeout())));
  }

  /** Stops the check under way, if any. */
  private void endRun() {
    cancel(deadline);
    deadline = null;
    if (running != null) {
      Probe.Run r = running;
      running = null;
      r.cancel().run();
    }
  }

  private void decide(CheckResult result) {
    HealthCheckPolicy.Decision d = policy.onResult(clock.instant(), result);
    if (d instanceof HealthCheckPolicy.Report r) {
      LOG.info("task {} is {}: {}", taskId, r.healthy() ? "healthy" : "unhealthy", r.message());
      listener.healthChanged(r.healthy(), r.message());
    } else if (d instanceof HealthCheckPolicy.Kill k) {
      LOG.warn("task {}: {}", taskId, k.message());
      stopped = true;
      listener.unhealthy(k.message());
      return;
    }
    if (!stopped) { // the listener may have stopped it
      next = loop.schedule(settings.interval(), this::check);
    }
  }

  private static void cancel(EventLoop.Cancellable c) {
    if (c != null) {
      c.cancel();
    }
  }
}
