package io.corral.bridges.common;

import io.corral.common.loop.EventLoop;
import io.corral.protocol.FrameworkInfo;
import io.corral.scheduler.Scheduler;
import io.corral.scheduler.SchedulerDriver;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bridge's framework as an actor: one {@link EventLoop} owns the framework's state (its fleet of
 * executors, what it wants from offers), and everything reaches that state as work on the loop:
 * the scheduler's callbacks (handed over one at a time, in order: {@link LoopScheduler}), the host
 * framework's requests ({@link #execute}, {@link #submit}) and timers ({@link #every}, and the
 * fleet's). Nothing else touches the state, so it needs no locks, and a bridge never calls into
 * its host while holding one (the old Hadoop-on-Mesos bridge deadlocked against the JobTracker's
 * locks that way).
 *
 * <p>The actor also holds the driver's life: {@link #subscribe} (again after a fatal error, to
 * register anew), {@link #registration} for a host that waits for the master, and
 * {@link #close}, which stops the driver (tearing the framework down or failing it over), lets
 * what is queued run and ends the loop.
 *
 * <p>Time is the loop's and {@link #clock()}'s: real for a host's actor ({@link #threaded}),
 * a {@code ManualEventLoop} and its clock in unit tests.
 */
public final class FrameworkActor implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FrameworkActor.class);
  /** How long {@link #close} lets queued work run before it ends the loop. */
  static final Duration DRAIN = Duration.ofSeconds(5);

  private final EventLoop loop;
  private final Clock clock;
  private final Drivers drivers;
  private final CompletableFuture<String> registration = new CompletableFuture<>();
  private volatile SchedulerDriver driver;
  private volatile boolean closed;

  public FrameworkActor(EventLoop loop, Clock clock, Drivers drivers) {
    this.loop = loop;
    this.clock = clock;
    this.drivers = drivers;
  }

  /** An actor on a thread of its own named {@code name}, on real time. */
  public static FrameworkActor threaded(String name, Drivers drivers) {
    return new FrameworkActor(EventLoop.threaded(name), Clock.systemUTC(), drivers);
  }

  /**
   * Subscribes as {@code framework}: makes a driver whose callbacks {@code scheduler} gets on this
   * loop, and starts it (a malformed master fails here, on the caller's thread). Called again (from
   * a callback, say after the master refused a stored framework id), the new driver replaces the
   * old one, whose callbacks are dropped from then on.
   */
  public void subscribe(FrameworkInfo framework, Scheduler scheduler) {
    SchedulerDriver d = drivers.create(new LoopScheduler(this, scheduler), framework);
    driver = d;
    d.start();
  }

  /** The current driver (null before {@link #subscribe}). */
  public SchedulerDriver driver() {
    return driver;
  }

  /**
   * The framework's id once the master accepted it; failed with the master's message when a
   * fatal error came first and the framework did not subscribe again.
   */
  public CompletableFuture<String> registration() {
    return registration.copy();
  }

  /** Runs {@code task} on the loop, later (dropped once closed). Any thread. */
  public void execute(Runnable task) {
    loop.execute(task);
  }

  /** Runs {@code query} on the loop and hands back its answer. Any thread but the loop's own. */
  public <T> CompletableFuture<T> submit(Supplier<T> query) {
    return loop.submit(query);
  }

  /** Runs {@code task} on the loop every {@code delay} (after the end of the previous run) until closed. */
  public EventLoop.Cancellable every(Duration delay, Runnable task) {
    return loop.scheduleWithFixedDelay(delay, () -> {
      if (!closed) {
        task.run();
      }
    });
  }

  public EventLoop loop() {
    return loop;
  }

  public Clock clock() {
    return clock;
  }

  /** Whether {@link #close} began: no more offers should be asked for. */
  public boolean closing() {
    return closed;
  }

  /** A callback of {@code d} is the actor's to take: {@code d} is its current driver. */
  boolean current(SchedulerDriver d) {
    return d == driver;
  }

  void registered(String frameworkId) {
    registration.complete(frameworkId);
  }

  void refused(String message) {
    registration.completeExceptionally(new IllegalStateException(message));
  }

  /** Tears the framework down (the master kills its executors), then ends the loop. */
  @Override
  public void close() {
    close(false);
  }

  /**
   * Stops the driver and waits for it, with {@code failover} leaving the framework and its
   * executors running for the next scheduler (its failover timeout), else tearing it down; then
   * lets what is queued on the loop run (at most {@link #DRAIN}) and ends the loop. Timers set
   * through {@link #every} stop at once.
   */
  public void close(boolean failover) {
    closed = true;
    SchedulerDriver d = driver;
    if (d != null) {
      d.stop(failover);
      d.join();
    }
    if (!loop.inLoop()) {
      try {
        loop.submit(() -> null).get(DRAIN.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (Exception e) {
        LOG.debug("{}: queued work did not finish before the loop ended ({})", loop.name(), e.toString());
      }
    }
    loop.close();
  }
}
