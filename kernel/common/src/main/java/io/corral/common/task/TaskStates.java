package io.corral.common.task;

import io.corral.protocol.TaskState;
import java.util.EnumSet;
import java.util.Set;

/** Facts about task states shared by every component. */
public final class TaskStates {
  private static final Set<TaskState> TERMINAL =
      EnumSet.of(
          TaskState.TASK_FINISHED,
          TaskState.TASK_FAILED,
          TaskState.TASK_KILLED,
          TaskState.TASK_ERROR,
          TaskState.TASK_LOST,
          TaskState.TASK_DROPPED,
          TaskState.TASK_GONE,
          TaskState.TASK_GONE_BY_OPERATOR);

  private TaskStates() {}

  /** A terminal state never changes again. */
  public static boolean isTerminal(TaskState state) {
    return TERMINAL.contains(state);
  }

  /** The short name users see: "RUNNING" for TASK_RUNNING. */
  public static String shortName(TaskState state) {
    String n = state.name();
    return n.startsWith("TASK_") ? n.substring(5) : n;
  }
}
