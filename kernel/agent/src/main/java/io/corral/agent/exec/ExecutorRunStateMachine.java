package io.corral.agent.exec;

import static io.corral.agent.exec.ExecutorRunStateMachine.State.RECOVERING;
import static io.corral.agent.exec.ExecutorRunStateMachine.State.REGISTERING;
import static io.corral.agent.exec.ExecutorRunStateMachine.State.RUNNING;
import static io.corral.agent.exec.ExecutorRunStateMachine.State.STARTING;
import static io.corral.agent.exec.ExecutorRunStateMachine.State.TERMINATED;
import static io.corral.agent.exec.ExecutorRunStateMachine.State.TERMINATING;

import io.corral.protocol.TaskStatus;
import io.corral.protocol.TaskStatusReason;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * The life of an executor run on this agent, as one table. Callers never re-check these rules:
 * they apply an event and {@link RunBook} carries out the side effects returned.
 *
 * <pre>
 *   FETCHING --fetched--> STARTING --process started--> REGISTERING --subscribed--> RUNNING
 *   RECOVERING (taken back after an agent restart) --subscribed--> RUNNING
 *   FETCHING..RUNNING --stop | registration or recovery timeout--> TERMINATING
 *   a process's exit, a failed fetch or start --> TERMINATED (never changes)
 * </pre>
 *
 * A run stopped before its process exists (TERMINATING from FETCHING or STARTING) ends when the
 * fetch ends, or has its process killed as soon as it starts.
 */
public final class ExecutorRunStateMachine {

  /** Where a run stands. */
  public enum State {
    /** Its executor's URIs are being fetched into its sandbox. */
    FETCHING,
    /** Its cgroups are made and its process is being started (on a worker thread). */
    STARTING,
    /** Its process runs; the executor has not subscribed yet. */
    REGISTERING,
    /** Checkpointed by an earlier run of the agent, its process alive: waiting for it to re-subscribe. */
    RECOVERING,
    RUNNING,
    TERMINATING,
    TERMINATED;

    /** The name the agent's API shows: the three steps of a launch are one, {@code LAUNCHING}. */
    public String shown() {
      return switch (this) {
        case FETCHING, STARTING, REGISTERING -> "LAUNCHING";
        default -> name();
      };
    }
  }

  /** What happens to a run. */
  public sealed interface Event permits Fetched, FetchFailed, ProcessStarted, StartFailed, Recovered, FoundDead,
      Subscribed, Disconnected, RegistrationTimedOut, RecoveryTimedOut, Stop, Exited, Abandoned {}

  /** Its executor's URIs are in its sandbox. */
  public record Fetched() implements Event {}

  public record FetchFailed(String message) implements Event {}

  /** Its process was started (and set on the run). */
  public record ProcessStarted() implements Event {}

  public record StartFailed(String message) implements Event {}

  /** After an agent restart: its checkpointed process is alive and adopted. */
  public record Recovered() implements Event {}

  /** After an agent restart: its checkpointed process is gone. */
  public record FoundDead(String message) implements Event {}

  /**
   * Its executor subscribed (again), listing the tasks it knows of and the updates the agent has not
   * acknowledged to it.
   */
  public record Subscribed(Set<String> listedTasks, List<TaskStatus> unacknowledgedUpdates) implements Event {}

  /** Its executor's stream ended (its process may live on and reconnect). */
  public record Disconnected() implements Event {}

  public record RegistrationTimedOut(String message) implements Event {}

  public record RecoveryTimedOut(String message) implements Event {}

  /**
   * The agent stops the run: its executor is asked to shut down within {@code grace} (killed after it),
   * and its unfinished tasks end with {@code reason}.
   */
  public record Stop(TaskStatusReason reason, String message, Duration grace) implements Event {}

  /** Its process exited. */
  public record Exited() implements Event {}

  /** The master removed this agent: everything is killed and forgotten without a report. */
  public record Abandoned() implements Event {}

  /** What the agent must do after a transition, in order. */
  public sealed interface Effect permits StartProcess, WatchExit, StartRegistrationTimer, StartRecoveryTimer,
      CancelTimers, RecordStop, StopProcess, KillProcess, Checkpoint, RequeueUnlisted, Greet, ReplayUpdates,
      DeliverQueued, ResendKills, SendShutdown, RecoveryProgress, CheckIdle, End, Abandon {}

  /** Make its cgroups and start its process. */
  public record StartProcess() implements Effect {}

  /** Hear of its process's exit (as {@link Exited}). */
  public record WatchExit() implements Effect {}

  /** Stop it if its executor does not subscribe within the registration timeout. */
  public record StartRegistrationTimer() implements Effect {}

  /** Stop it if its executor does not re-subscribe within the re-registration timeout. */
  public record StartRecoveryTimer() implements Effect {}

  /** Call off its timers (registration, recovery, idle). */
  public record CancelTimers() implements Effect {}

  /** Remember why it stops (the first reason given wins): what its unfinished tasks are told. */
  public record RecordStop(TaskStatusReason reason, String message) implements Effect {}

  /** Ask its executor to shut down within the grace (when it listens and the grace is not zero), then kill it. */
  public record StopProcess(Duration grace) implements Effect {}

  /** Kill its process now. */
  public record KillProcess() implements Effect {}

  /** Write its checkpoint (with its process, once it has one). */
  public record Checkpoint() implements Effect {}

  /** Tasks its re-subscribing executor does not list never reached it: they are delivered again. */
  public record RequeueUnlisted(Set<String> listedTasks) implements Effect {}

  /** Tell the executor it is subscribed. */
  public record Greet() implements Effect {}

  /** Relay (and acknowledge) the updates its executor kept while disconnected. */
  public record ReplayUpdates(List<TaskStatus> updates) implements Effect {}

  /** Send its executor the tasks waiting for it. */
  public record DeliverQueued() implements Effect {}

  /** Send its executor the kills of its tasks that are to be killed. */
  public record ResendKills() implements Effect {}

  /** Ask its executor to shut down (it subscribed while the run stops). */
  public record SendShutdown() implements Effect {}

  /** A recovered run settled: the agent re-registers once none is left waiting. */
  public record RecoveryProgress() implements Effect {}

  /** See whether it has anything left to do ({@link IdleRuns}). */
  public record CheckIdle() implements Effect {}

  /**
   * It is over: whatever its container left is killed, its cgroups removed, its unfinished tasks ended
   * with its stop reason, the master told (custom executors), its checkpoint and, once nothing of its
   * framework is left, the framework forgotten.
   *
   * @param masterMessage what the master is told (null: why it stopped, or how its process exited)
   */
  public record End(String masterMessage) implements Effect {}

  /** Kill its process and container and forget it, reporting nothing. */
  public record Abandon() implements Effect {}

  /**
   * The outcome of an event.
   *
   * @param accepted whether the event applies to a run in the state (refused: nothing changes, nothing is done)
   * @param state the run's state afterwards
   */
  public record Transition(boolean accepted, State state, List<Effect> effects) {
    static Transition refused(State current) {
      return new Transition(false, current, List.of());
    }

    static Transition to(State next, Effect... effects) {
      return new Transition(true, next, List.of(effects));
    }
  }

  private ExecutorRunStateMachine() {}

  public static Transition apply(State from, Event event) {
    if (event instanceof Fetched) {
      return switch (from) {
        case FETCHING -> Transition.to(STARTING, new StartProcess());
        case TERMINATING -> Transition.to(TERMINATED, new End(null)); // stopped while fetching: it never runs
        default -> Transition.refused(from);
      };
    }
    if (event instanceof FetchFailed f) {
      return switch (from) {
        case FETCHING -> Transition.to(TERMINATED,
            new RecordStop(TaskStatusReason.REASON_FETCH_FAILED, "fetch failed: " + f.message()), new End(null));
        case TERMINATING -> Transition.to(TERMINATED, new End(null));
        default -> Transition.refused(from);
      };
    }
    if (event instanceof ProcessStarted) {
      return switch (from) {
        case STARTING -> Transition.to(REGISTERING, new Checkpoint(), new WatchExit(), new StartRegistrationTimer());
        // Its executor subscribed before the agent's loop heard of the start.
        case RUNNING -> Transition.to(RUNNING, new Checkpoint(), new WatchExit());
        case TERMINATING -> Transition.to(TERMINATING, new Checkpoint(), new WatchExit(), new KillProcess());
        case TERMINATED -> Transition.to(TERMINATED, new KillProcess()); // abandoned while it started
        default -> Transition.refused(from);
      };
    }
    if (event instanceof StartFailed f) {
      return switch (from) {
        case STARTING, TERMINATING -> Transition.to(TERMINATED,
            new RecordStop(TaskStatusReason.REASON_LAUNCH_FAILED, "could not start the executor: " + f.message()),
            new End("could not start: " + f.message()));
        default -> Transition.refused(from);
      };
    }
    if (event instanceof Recovered) {
      return from == RECOVERING ? Transition.to(RECOVERING, new WatchExit(), new StartRecoveryTimer())
          : Transition.refused(from);
    }
    if (event instanceof FoundDead d) {
      return from == RECOVERING ? Transition.to(TERMINATED,
          new RecordStop(TaskStatusReason.REASON_EXECUTOR_TERMINATED, d.message()), new End(null))
          : Transition.refused(from);
    }
    if (event instanceof Subscribed s) {
      return subscribed(from, s);
    }
    if (event instanceof Disconnected) {
      return from == RUNNING ? Transition.to(RUNNING) : Transition.refused(from);
    }
    if (event instanceof RegistrationTimedOut t) {
      return from == REGISTERING ? Transition.to(TERMINATING,
          new RecordStop(TaskStatusReason.REASON_EXECUTOR_REGISTRATION_TIMEOUT, t.message()), new CancelTimers(),
          new StopProcess(Duration.ZERO))
          : Transition.refused(from);
    }
    if (event instanceof RecoveryTimedOut t) {
      return from == RECOVERING ? Transition.to(TERMINATING,
          new RecordStop(TaskStatusReason.REASON_AGENT_RECOVERY_FAILED, t.message()), new CancelTimers(),
          new StopProcess(Duration.ZERO), new RecoveryProgress())
          : Transition.refused(from);
    }
    if (event instanceof Stop s) {
      return switch (from) {
        case FETCHING, STARTING -> Transition.to(TERMINATING, new RecordStop(s.reason(), s.message()),
            new CancelTimers());
        case REGISTERING, RECOVERING, RUNNING -> Transition.to(TERMINATING, new RecordStop(s.reason(), s.message()),
            new CancelTimers(), new StopProcess(s.grace()));
        case TERMINATING, TERMINATED -> Transition.refused(from);
      };
    }
    if (event instanceof Exited) {
      return switch (from) {
        case REGISTERING, RECOVERING, RUNNING, TERMINATING -> Transition.to(TERMINATED, new End(null));
        case FETCHING, STARTING, TERMINATED -> Transition.refused(from); // no process to exit
      };
    }
    if (event instanceof Abandoned) {
      return from == TERMINATED ? Transition.refused(from) : Transition.to(TERMINATED, new Abandon());
    }
    throw new IllegalArgumentException("unknown event " + event);
  }

  private static Transition subscribed(State from, Subscribed s) {
    return switch (from) {
      case STARTING, REGISTERING -> Transition.to(RUNNING, new CancelTimers(), new Greet(),
          new ReplayUpdates(s.unacknowledgedUpdates()), new DeliverQueued(), new ResendKills(), new CheckIdle());
      case RECOVERING -> Transition.to(RUNNING, new CancelTimers(), new RequeueUnlisted(s.listedTasks()),
          new RecoveryProgress(), new Greet(), new ReplayUpdates(s.unacknowledgedUpdates()), new DeliverQueued(),
          new ResendKills(), new CheckIdle());
      // Reconnected (the agent kept running, or its stream broke): queued tasks and kills go again.
      case RUNNING -> Transition.to(RUNNING, new Greet(), new ReplayUpdates(s.unacknowledgedUpdates()),
          new DeliverQueued(), new ResendKills(), new CheckIdle());
      case TERMINATING -> Transition.to(TERMINATING, new Greet(), new ReplayUpdates(s.unacknowledgedUpdates()),
          new ResendKills(), new SendShutdown());
      // No process yet, or none any more: whoever subscribes is not this run's executor.
      case FETCHING, TERMINATED -> Transition.refused(from);
    };
  }

  /** Whether new tasks of its framework and executor id join the run (else a new run is launched). */
  public static boolean takesTasks(State state) {
    return state != TERMINATING && state != TERMINATED;
  }

  /** Whether tasks are sent to its executor now (else they wait for it to subscribe). */
  public static boolean deliversTasks(State state) {
    return state == RUNNING;
  }

  /** Whether its process is up and not being stopped: what the limit watchers measure. */
  public static boolean watched(State state) {
    return state == REGISTERING || state == RECOVERING || state == RUNNING;
  }
}
