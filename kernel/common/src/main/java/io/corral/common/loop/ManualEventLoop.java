package io.corral.common.loop;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link EventLoop} for unit tests: no thread and no real time. The test's thread is the loop;
 * tasks run only when the test says so ({@link #runPending}), and time moves only when the test
 * moves it ({@link #advance}), running each timer that falls due in order of its due time, and
 * what it queued, before the next. Its {@link #clock} reads the same time, so a component given
 * both sees timestamps and timeouts agree. A test of timeouts then takes no real time and cannot
 * be flaky.
 *
 * <p>Like the daemons' loop, a task that throws is logged and the loop carries on; the errors are
 * kept for the test to check ({@link #errors}). Only the test's thread runs it ({@link #runPending},
 * {@link #advance}); any thread may hand it work, set or cancel timers and read its time, as a
 * component's worker threads and transport callbacks do with a daemon's loop.
 */
public final class ManualEventLoop implements EventLoop {
  private static final Logger LOG = LoggerFactory.getLogger(ManualEventLoop.class);

  private final String name;
  private final Thread owner = Thread.currentThread();
  /** Guards the queue, the timers and their sequence; never held while a task runs. */
  private final Object lock = new Object();
  private final Queue<Runnable> queue = new ArrayDeque<>();
  private final PriorityQueue<Timer> timers =
      new PriorityQueue<>(Comparator.comparing(Timer::due).thenComparingLong(Timer::sequence));
  private final List<Throwable> errors = new ArrayList<>();
  private final Clock clock = new LoopClock(ZoneOffset.UTC);
  private volatile Instant now;
  private long sequence;
  private boolean closed;

  public ManualEventLoop(String name, Instant start) {
    this.name = name;
    this.now = start;
  }

  /** A loop whose time starts at 2026-01-01T00:00:00Z. */
  public ManualEventLoop() {
    this("manual-loop", Instant.parse("2026-01-01T00:00:00Z"));
  }

  /** The loop's time, as a {@link Clock} (UTC) to give the component under test. */
  public Clock clock() {
    return clock;
  }

  public Instant now() {
    return now;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void execute(Runnable task) {
    synchronized (lock) {
      if (!closed) {
        queue.add(task);
      }
    }
  }

  @Override
  public <T> CompletableFuture<T> submit(Supplier<T> task) {
    CompletableFuture<T> result = new CompletableFuture<>();
    synchronized (lock) {
      if (closed) {
        result.completeExceptionally(new RejectedExecutionException(name + " is closed"));
        return result;
      }
      queue.add(() -> {
        try {
          result.complete(task.get());
        } catch (RuntimeException | Error e) {
          result.completeExceptionally(e);
        }
      });
    }
    return result;
  }

  @Override
  public Cancellable schedule(Duration delay, Runnable task) {
    synchronized (lock) {
      if (closed) {
        return () -> {};
      }
      Timer t = new Timer(now.plus(delay.isNegative() ? Duration.ZERO : delay), sequence++, task);
      timers.add(t);
      return () -> {
        synchronized (lock) {
          timers.remove(t);
        }
      };
    }
  }

  @Override
  public Cancellable scheduleWithFixedDelay(Duration delay, Runnable task) {
    if (delay.isNegative() || delay.isZero()) {
      throw new IllegalArgumentException("the delay must be positive: " + delay);
    }
    synchronized (lock) {
      if (closed) {
        return () -> {};
      }
      Repeating repeating = new Repeating(delay, task);
      repeating.scheduleNext();
      return repeating::cancel;
    }
  }

  /** True: the test's thread is the loop's (other threads are not supported). */
  @Override
  public boolean inLoop() {
    return Thread.currentThread() == owner;
  }

  @Override
  public void close() {
    synchronized (lock) {
      closed = true;
      queue.clear();
      timers.clear();
    }
  }

  /** Runs every queued task, and the tasks they queue, until none is left; returns how many ran. */
  public int runPending() {
    assertInLoop();
    int ran = 0;
    Runnable task;
    while ((task = nextQueued()) != null) {
      run(task);
      ran++;
    }
    return ran;
  }

  private Runnable nextQueued() {
    synchronized (lock) {
      return queue.poll();
    }
  }

  /**
   * Moves time forward by {@code by}, running what was queued first, then each timer that falls due
   * on the way (at its due time: {@link #now} reads it) and what it queued, in order.
   */
  public void advance(Duration by) {
    if (by.isNegative()) {
      throw new IllegalArgumentException("time only moves forward: " + by);
    }
    Instant until = now.plus(by);
    runPending();
    Timer next;
    while ((next = nextDueBy(until)) != null) {
      run(next.task());
      runPending();
    }
    now = until;
  }

  /** Takes the next timer due by {@code until} and moves time to its due time; null when none is. */
  private Timer nextDueBy(Instant until) {
    synchronized (lock) {
      Timer next = timers.peek();
      if (next == null || next.due().isAfter(until)) {
        return null;
      }
      timers.poll();
      now = next.due();
      return next;
    }
  }

  /** How many timers are waiting (cancelled and run ones excluded). */
  public int scheduledCount() {
    synchronized (lock) {
      return timers.size();
    }
  }

  /** When the next timer falls due, or null when none waits. */
  public Instant nextDue() {
    synchronized (lock) {
      Timer next = timers.peek();
      return next == null ? null : next.due();
    }
  }

  /** What the tasks run so far threw, in order (the loop logged each and carried on). */
  public List<Throwable> errors() {
    return List.copyOf(errors);
  }

  private void run(Runnable task) {
    try {
      task.run();
    } catch (RuntimeException | Error e) {
      LOG.error("{}: unexpected error in event handler (the loop carries on)", name, e);
      errors.add(e);
    }
  }

  private record Timer(Instant due, long sequence, Runnable task) {}

  /** A fixed-delay task: the next run is scheduled when this one ends. */
  private final class Repeating {
    private final Duration delay;
    private final Runnable task;
    private Timer pending;
    private boolean cancelled;

    Repeating(Duration delay, Runnable task) {
      this.delay = delay;
      this.task = task;
    }

    /** Sets the next run; holds the lock. */
    void scheduleNext() {
      pending = new Timer(now.plus(delay), sequence++, () -> {
        try {
          task.run();
        } finally {
          synchronized (lock) {
            if (!cancelled && !closed) {
              scheduleNext();
            }
          }
        }
      });
      timers.add(pending);
    }

    void cancel() {
      synchronized (lock) {
        cancelled = true;
        timers.remove(pending);
      }
    }
  }

  /** The loop's time in a zone. */
  private final class LoopClock extends Clock {
    private final ZoneId zone;

    LoopClock(ZoneId zone) {
      this.zone = zone;
    }

    @Override
    public ZoneId getZone() {
      return zone;
    }

    @Override
    public Clock withZone(ZoneId other) {
      return new LoopClock(other);
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
