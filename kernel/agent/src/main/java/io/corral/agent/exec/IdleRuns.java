package io.corral.agent.exec;

import io.corral.common.loop.EventLoop.Cancellable;
import java.time.Duration;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;

/**
 * Ends executor runs left with no live task, whichever way they got there: their last task ended
 * (finished, failed at its fetch or at launch, killed), or they connected with none (every task
 * ended before it connected; it reconnected to a restarted agent with only ended tasks):
 * <ul>
 *   <li>the command executor, connected with no live task, stops after the idle timeout unless a
 *       task comes meanwhile (the agent cancels the clock when one does);
 *   <li>a custom executor whose every task ended before it connected is stopped at once: nothing
 *       will ever reach it (Mesos stops such an executor too);
 *   <li>a custom executor that has connected is its framework's to end (a bridge keeps one between
 *       tasks on purpose).
 * </ul>
 * {@link #check} is called wherever a run may have become idle: a task's terminal update, a
 * (re-)subscription. Loop-owned.
 */
final class IdleRuns {
  /** What becomes of a run with no live task. */
  enum Verdict {
    /** It has live tasks, or its end is not the agent's to decide now. */
    KEEP,
    /** The command executor with nothing to do: it stops unless a task comes within the idle timeout. */
    IDLE_OUT,
    /** A custom executor that lost every task before it connected. */
    STOP_NOW
  }

  /** How a run is stopped: why (its tasks' and the log's reason) and the grace its executor gets. */
  record Stop(String why, Duration grace) {}

  private final BiFunction<Duration, Runnable, Cancellable> timers;
  private final Duration idleTimeout;
  private final Duration shutdownGrace;
  private final BiConsumer<ExecutorRun, Stop> stop;

  /**
   * @param timers schedules a task on the agent's loop ({@code EventLoop::schedule})
   * @param stop stops a run (asks its executor to shut down within the grace, then kills it)
   */
  IdleRuns(BiFunction<Duration, Runnable, Cancellable> timers, Duration idleTimeout, Duration shutdownGrace,
      BiConsumer<ExecutorRun, Stop> stop) {
    this.timers = timers;
    this.idleTimeout = idleTimeout;
    this.shutdownGrace = shutdownGrace;
    this.stop = stop;
  }

  static Verdict verdict(ExecutorRun run) {
    if (!run.liveTasks().isEmpty()) {
      return Verdict.KEEP;
    }
    return switch (run.state()) {
      case RUNNING -> run.isCommandExecutor() ? Verdict.IDLE_OUT : Verdict.KEEP;
      // The command executor is decided on when it connects; its registration timeout bounds the wait.
      case FETCHING, STARTING, REGISTERING -> run.isCommandExecutor() ? Verdict.KEEP : Verdict.STOP_NOW;
      // RECOVERING: decided on when it reconnects (or its re-registration timeout ends it).
      case RECOVERING, TERMINATING, TERMINATED -> Verdict.KEEP;
    };
  }

  /** Starts the idle clock of a run with nothing to do (once: a clock already running goes on), or stops it now. */
  void check(ExecutorRun run) {
    switch (verdict(run)) {
      case STOP_NOW -> stop.accept(run, new Stop("no tasks left before it registered", Duration.ZERO));
      case IDLE_OUT -> {
        if (!run.hasIdleTimer()) {
          run.setIdleTimer(timers.apply(idleTimeout, () -> expired(run)));
        }
      }
      case KEEP -> { }
    }
  }

  private void expired(ExecutorRun run) {
    run.cancelIdleTimer();
    if (verdict(run) == Verdict.IDLE_OUT) {
      stop.accept(run, new Stop("idle for " + idleTimeout, shutdownGrace));
    }
  }
}
