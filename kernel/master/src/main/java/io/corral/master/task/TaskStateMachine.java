package io.corral.master.task;

import static io.corral.protocol.TaskState.TASK_KILLING;
import static io.corral.protocol.TaskState.TASK_RUNNING;
import static io.corral.protocol.TaskState.TASK_STAGING;
import static io.corral.protocol.TaskState.TASK_STARTING;
import static io.corral.protocol.TaskState.TASK_UNKNOWN;
import static io.corral.protocol.TaskState.TASK_UNREACHABLE;

import io.corral.common.task.TaskStates;
import io.corral.protocol.TaskState;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The master's view of a task's life, as one table. Callers never re-check these rules:
 * they apply a reported state and carry out the side effects returned.
 *
 * <pre>
 *   STAGING -> STARTING -> RUNNING -> KILLING -> (terminal)
 *      \__________\___________\__________\____> (terminal)
 *   any live state <-> UNREACHABLE (agent partitioned, then back)
 *   terminal: FINISHED FAILED KILLED ERROR LOST DROPPED GONE GONE_BY_OPERATOR (never change)
 * </pre>
 */
public final class TaskStateMachine {

  /** What the master must do after a transition. */
  public enum SideEffect {
    /** The task's resources go back to the allocator. */
    RELEASE_RESOURCES,
    /** The task moves to the framework's completed history. */
    ARCHIVE
  }

  /**
   * The outcome of reporting {@code to} for a task in {@code from}.
   *
   * @param accepted whether the task's state changes (or stays, for a repeat)
   * @param state the task's state afterwards
   */
  public record Transition(boolean accepted, TaskState state, List<SideEffect> effects) {
    static Transition ignored(TaskState current) {
      return new Transition(false, current, List.of());
    }
  }

  private static final Set<TaskState> LIVE =
      EnumSet.of(TASK_STAGING, TASK_STARTING, TASK_RUNNING, TASK_KILLING, TASK_UNREACHABLE);

  private TaskStateMachine() {}

  public static Transition apply(TaskState from, TaskState to) {
    if (to == TaskState.TASK_STATE_UNSPECIFIED || to == TASK_UNKNOWN || to == TaskState.UNRECOGNIZED) {
      return Transition.ignored(from);
    }
    if (TaskStates.isTerminal(from)) {
      return Transition.ignored(from);
    }
    if (from == to) {
      return new Transition(true, to, List.of());
    }
    if (TaskStates.isTerminal(to)) {
      return new Transition(true, to, List.of(SideEffect.RELEASE_RESOURCES, SideEffect.ARCHIVE));
    }
    if (!LIVE.contains(from) || !allowed(from, to)) {
      return Transition.ignored(from);
    }
    return new Transition(true, to, List.of());
  }

  private static boolean allowed(TaskState from, TaskState to) {
    return switch (from) {
      case TASK_STAGING -> to == TASK_STARTING || to == TASK_RUNNING || to == TASK_KILLING
          || to == TASK_UNREACHABLE;
      case TASK_STARTING -> to == TASK_RUNNING || to == TASK_KILLING || to == TASK_UNREACHABLE;
      case TASK_RUNNING -> to == TASK_KILLING || to == TASK_UNREACHABLE;
      case TASK_KILLING -> to == TASK_UNREACHABLE;
      // The agent came back and reports what the task really does.
      case TASK_UNREACHABLE -> to == TASK_STAGING || to == TASK_STARTING || to == TASK_RUNNING
          || to == TASK_KILLING;
      default -> false;
    };
  }
}
