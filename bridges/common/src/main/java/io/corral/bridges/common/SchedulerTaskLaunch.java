package io.corral.bridges.common;

import io.corral.scheduler.SchedulerDriver;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * A client's launch of its framework's scheduler task (a Hadoop job's AM, a Spark cluster-mode
 * driver), from the first offer it fits until the task runs, fails, or the wait times out.
 *
 * <p>While the cluster's scheduler tasks hold their share ({@code --scheduler-task-share}), the master
 * drops the launch with {@code REASON_SCHEDULER_TASK_SHARE}: the client waits for a scheduler slot, as
 * a YARN application waits in ACCEPTED for its queue's AM share. Offers that come meanwhile are
 * declined; {@link #SLOT_RETRY} after the refusal offers are revived and the launch is tried again.
 * The timeout counts from the start and again from each refusal.
 *
 * <p>The launcher tells it what happens from the scheduler's callbacks, one at a time
 * ({@link #launched}, {@link #refused}, {@link #running}, {@link #failed}); the retries and the
 * deadline run on {@code later}'s threads; the client's thread waits in {@link #await}. Time is
 * {@code later}'s: real for a client ({@link Later#realTime}), a {@code ManualEventLoop}'s in unit tests.
 *
 * @param <T> what the launch yields once the task runs
 */
public final class SchedulerTaskLaunch<T> {
  /** How long a launch the share refused waits before it offers to launch again. */
  public static final Duration SLOT_RETRY = Duration.ofSeconds(5);

  /** Where the launch is. */
  public enum Stage {
    /** Not launched: the next offer that fits takes the task. */
    READY,
    /** Launched; the master has not refused it. */
    LAUNCHED,
    /** Refused for the share: offers are declined until the retry is due. */
    WAITING_FOR_SLOT
  }

  /** Runs a task once a delay has passed (on some other thread, or the test's loop). */
  @FunctionalInterface
  public interface Later {
    void run(Duration delay, Runnable task);

    /** On real time, on the common pool's threads. */
    static Later realTime() {
      return (delay, task) -> CompletableFuture.delayedExecutor(delay.toNanos(), TimeUnit.NANOSECONDS).execute(task);
    }
  }

  private final Duration timeout;
  private final Later later;
  private final Consumer<String> onFirstWait;
  private final CompletableFuture<T> outcome = new CompletableFuture<>();
  private final AtomicReference<Stage> stage = new AtomicReference<>(Stage.READY);
  /** Counts the deadlines set: only the latest one may time the launch out. */
  private final AtomicLong deadlines = new AtomicLong();
  private boolean waitedForSlot;

  /**
   * @param timeout how long the launch may take, from {@link #start} and from each refusal
   * @param later runs the retries and the deadline
   * @param onFirstWait told the master's reason when the launch first waits for a slot (not again)
   */
  public SchedulerTaskLaunch(Duration timeout, Later later, Consumer<String> onFirstWait) {
    this.timeout = timeout;
    this.later = later;
    this.onFirstWait = onFirstWait;
  }

  /** Starts the clock: the launch times out {@code timeout} from now unless a refusal moves it. */
  public void start() {
    armDeadline();
  }

  public Stage stage() {
    return stage.get();
  }

  /** Whether an offer that fits should take the task now. */
  public boolean mayLaunch() {
    return stage.get() == Stage.READY;
  }

  /** The task was launched. */
  public void launched() {
    stage.set(Stage.LAUNCHED);
  }

  /**
   * The master dropped the launch for the scheduler tasks' share ({@code why}, its message): waits
   * for a slot, and revives {@code driver}'s offers (suppressed since the launch) once the retry is
   * due. A refusal while already waiting moves the deadline but makes no second retry.
   */
  public void refused(SchedulerDriver driver, String why) {
    if (!waitedForSlot) {
      waitedForSlot = true;
      onFirstWait.accept(why);
    }
    armDeadline();
    if (stage.getAndSet(Stage.WAITING_FOR_SLOT) != Stage.WAITING_FOR_SLOT) {
      later.run(SLOT_RETRY, () -> {
        if (stage.compareAndSet(Stage.WAITING_FOR_SLOT, Stage.READY)) {
          driver.reviveOffers();
        }
      });
    }
  }

  /** Whether the launch has waited for a scheduler slot at some point. */
  public boolean waitedForSlot() {
    return waitedForSlot;
  }

  /** The task runs: {@link #await} returns {@code result}. */
  public void running(T result) {
    outcome.complete(result);
  }

  /** The launch failed: {@link #await} throws {@code cause}, wrapped. */
  public void failed(Throwable cause) {
    outcome.completeExceptionally(cause);
  }

  /**
   * Waits until the task runs ({@link #running}) and returns what it yields.
   *
   * @throws ExecutionException the launch {@link #failed}: the cause says why
   * @throws TimeoutException the latest deadline passed first
   */
  public T await() throws InterruptedException, ExecutionException, TimeoutException {
    try {
      return outcome.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof TimeoutException t) {
        throw t;
      }
      throw e;
    }
  }

  private void armDeadline() {
    long deadline = deadlines.incrementAndGet();
    later.run(timeout, () -> {
      if (deadlines.get() == deadline) {
        outcome.completeExceptionally(new TimeoutException("the scheduler task did not run within " + timeout));
      }
    });
  }
}
