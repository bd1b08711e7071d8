package io.corral.agent.exec;

import static io.corral.agent.exec.AgentTaskStateMachine.Stage.ENDED;
import static io.corral.agent.exec.AgentTaskStateMachine.Stage.KILLING;
import static io.corral.agent.exec.AgentTaskStateMachine.Stage.LAUNCHED;
import static io.corral.agent.exec.AgentTaskStateMachine.Stage.LIMITED;
import static io.corral.agent.exec.AgentTaskStateMachine.Stage.QUEUED;

import io.corral.common.task.TaskStates;
import io.corral.protocol.KillPolicy;
import io.corral.protocol.TaskState;
import io.corral.protocol.TaskStatus;
import io.corral.protocol.TaskStatusReason;
import java.util.List;

/**
 * The life of a task on this agent, as one table, from the master's launch to the acknowledgement
 * of its terminal update. Callers never re-check these rules (is it still live? was a kill asked?):
 * they apply an event and {@link RunBook} carries out the side effects returned. What the task
 * reports (its {@link TaskState}) is the executor's word, passed on; the stage is where the task is.
 *
 * <pre>
 *   FETCHING --fetched--> QUEUED --delivered--> LAUNCHED --kill--> KILLING
 *   RECOVERED (taken back after an agent restart) --its executor lists it | not--> LAUNCHED | QUEUED
 *   RECOVERED|LAUNCHED|KILLING --limit broken--> LIMITED
 *   any live stage --terminal update, kill before delivery, failure, its executor gone--> ENDED
 * </pre>
 *
 * An ended task never changes; it is forgotten once its terminal update is acknowledged.
 */
public final class AgentTaskStateMachine {

  /** Where a task stands on the agent. */
  public enum Stage {
    /** Its URIs are being fetched into its sandbox. */
    FETCHING,
    /** Waiting for its executor to subscribe. */
    QUEUED,
    /** Taken back after an agent restart before it reported anything: its executor may not have it. */
    RECOVERED,
    /** With its executor. */
    LAUNCHED,
    /** With its executor, which was told to kill it (or is being stopped with it). */
    KILLING,
    /** It broke a limit and is being killed; it fails with the limit's reason, whatever it reports. */
    LIMITED,
    /** Its terminal update was made; kept until its framework acknowledges it. */
    ENDED
  }

  /** What happens to a task. */
  public sealed interface Event permits Fetched, FetchFailed, Delivered, Resubscribed, Kill, StopWithRun,
      Reported, Ended, LimitBroken, TerminalAcknowledged {}

  public record Fetched() implements Event {}

  public record FetchFailed(String message) implements Event {}

  /** It was sent to its executor. */
  public record Delivered() implements Event {}

  /** After an agent restart its executor re-subscribed, listing the task among those it has, or not. */
  public record Resubscribed(boolean listed) implements Event {}

  /**
   * The master asked to kill it: for its framework ({@code cause} null), or for a reason of its own
   * (a preemption), which its {@code TASK_KILLED} update then carries.
   */
  public record Kill(KillPolicy policy, KillCause cause) implements Event {
    /** A kill its framework asked for. */
    public Kill(KillPolicy policy) {
      this(policy, null);
    }
  }

  /** Its executor is being stopped, the task with it (the agent or its framework shuts down). */
  public record StopWithRun() implements Event {}

  /** Its executor sent an update. */
  public record Reported(TaskStatus status) implements Event {}

  /**
   * The agent ends it: it could not be started, or its executor is gone. Killed if a kill was asked,
   * else failed with {@code reason}.
   */
  public record Ended(TaskStatusReason reason, String message) implements Event {}

  /** A watcher saw it break a limit. */
  public record LimitBroken(Limitation limitation) implements Event {}

  /** Its framework acknowledged its terminal update. */
  public record TerminalAcknowledged() implements Event {}

  /** What the agent must do after a transition, in order. */
  public sealed interface Effect permits Deliver, Report, Forward, SendKill, RecordLimit, RecordKillCause,
      KillCgroups, Release, Forget {}

  /** Send its run's queued tasks to the executor, if it has subscribed. */
  public record Deliver() implements Effect {}

  /** An update the agent makes about the task. */
  public record Report(TaskState state, TaskStatusReason reason, String message) implements Effect {}

  /** Its executor's update, passed on. */
  public record Forward(TaskStatus status) implements Effect {}

  /** Tell its executor to kill it. */
  public record SendKill(KillPolicy policy) implements Effect {}

  /** Remember the limit it broke: its terminal update fails with it. */
  public record RecordLimit(Limitation limitation) implements Effect {}

  /** Remember why the master kills it: its {@code TASK_KILLED} update carries the cause. */
  public record RecordKillCause(KillCause cause) implements Effect {}

  /** Kill what runs in its own cgroups (a command task's). */
  public record KillCgroups() implements Effect {}

  /** It ended: its cgroups go, its container's limits shrink, its run may now be idle. */
  public record Release() implements Effect {}

  /** Forget it (its terminal update was acknowledged). */
  public record Forget() implements Effect {}

  /**
   * The outcome of an event.
   *
   * @param accepted whether the event applies to a task in the stage (refused: nothing changes, nothing is done)
   * @param stage the task's stage afterwards
   */
  public record Transition(boolean accepted, Stage stage, List<Effect> effects) {
    static Transition refused(Stage current) {
      return new Transition(false, current, List.of());
    }

    static Transition to(Stage next, Effect... effects) {
      return new Transition(true, next, List.of(effects));
    }

    /** An agent-made terminal update, then the release. */
    static Transition ends(TaskState state, TaskStatusReason reason, String message, Effect... before) {
      Effect[] all = java.util.Arrays.copyOf(before, before.length + 2);
      all[before.length] = new Report(state, reason, message);
      all[before.length + 1] = new Release();
      return to(ENDED, all);
    }
  }

  /** How a task that broke a limit is killed: at once. */
  static final KillPolicy KILL_AT_ONCE = KillPolicy.newBuilder().setGracePeriodSeconds(0).build();

  private AgentTaskStateMachine() {}

  public static Transition apply(Stage from, Event event) {
    if (from == ENDED) {
      return event instanceof TerminalAcknowledged ? Transition.to(ENDED, new Forget()) : Transition.refused(from);
    }
    if (event instanceof Fetched) {
      return switch (from) {
        case FETCHING -> Transition.to(QUEUED, new Deliver());
        default -> Transition.refused(from);
      };
    }
    if (event instanceof FetchFailed f) {
      return switch (from) {
        case FETCHING -> Transition.ends(TaskState.TASK_FAILED, TaskStatusReason.REASON_FETCH_FAILED,
            "fetch failed: " + f.message());
        default -> Transition.refused(from);
      };
    }
    if (event instanceof Delivered) {
      return from == QUEUED ? Transition.to(LAUNCHED) : Transition.refused(from);
    }
    if (event instanceof Resubscribed r) {
      return switch (from) {
        case RECOVERED -> Transition.to(r.listed() ? LAUNCHED : QUEUED);
        default -> Transition.refused(from);
      };
    }
    if (event instanceof Kill k) {
      Effect[] cause = k.cause() == null ? new Effect[0] : new Effect[] {new RecordKillCause(k.cause())};
      return switch (from) {
        case FETCHING -> Transition.ends(TaskState.TASK_KILLED, TaskStatusReason.REASON_TASK_KILLED_DURING_LAUNCH,
            "killed while its files were fetched", cause);
        case QUEUED -> Transition.ends(TaskState.TASK_KILLED, TaskStatusReason.REASON_TASK_KILLED_DURING_LAUNCH,
            "killed before its executor started", cause);
        case RECOVERED, LAUNCHED, KILLING -> Transition.to(KILLING, with(cause, new SendKill(k.policy())));
        case LIMITED -> Transition.to(LIMITED, new SendKill(k.policy())); // it ends with the limit's reason
        case ENDED -> Transition.refused(from);
      };
    }
    if (event instanceof StopWithRun) {
      return switch (from) {
        case FETCHING, QUEUED, RECOVERED, LAUNCHED -> Transition.to(KILLING);
        case KILLING, LIMITED, ENDED -> Transition.refused(from);
      };
    }
    if (event instanceof Reported r) {
      if (TaskStates.isTerminal(r.status().getState())) {
        return Transition.to(ENDED, new Forward(r.status()), new Release());
      }
      return Transition.to(from == KILLING || from == LIMITED ? from : LAUNCHED, new Forward(r.status()));
    }
    if (event instanceof Ended e) {
      return from == KILLING
          ? Transition.ends(TaskState.TASK_KILLED, TaskStatusReason.REASON_KILLED_BY_SCHEDULER, e.message())
          : Transition.ends(TaskState.TASK_FAILED, e.reason(), e.message());
    }
    if (event instanceof LimitBroken l) {
      return switch (from) {
        // Not started yet: its fetch goes on, and a watcher that still sees it over its limit tells again.
        case FETCHING -> Transition.refused(from);
        case QUEUED -> Transition.ends(TaskState.TASK_FAILED, l.limitation().reason(), "",
            new RecordLimit(l.limitation()));
        case RECOVERED, LAUNCHED, KILLING -> Transition.to(LIMITED, new RecordLimit(l.limitation()),
            new KillCgroups(), new SendKill(KILL_AT_ONCE));
        case LIMITED, ENDED -> Transition.refused(from);
      };
    }
    if (event instanceof TerminalAcknowledged) {
      return Transition.refused(from); // a live task has no terminal update to acknowledge
    }
    throw new IllegalArgumentException("unknown event " + event);
  }

  private static Effect[] with(Effect[] first, Effect last) {
    Effect[] all = java.util.Arrays.copyOf(first, first.length + 1);
    all[first.length] = last;
    return all;
  }

  /** Whether the task is live: it holds resources in its container and keeps its run busy. */
  public static boolean isLive(Stage stage) {
    return stage != ENDED;
  }
}
