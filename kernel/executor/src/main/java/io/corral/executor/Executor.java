package io.corral.executor;

import io.corral.protocol.AgentInfo;
import io.corral.protocol.ExecutorInfo;
import io.corral.protocol.FrameworkInfo;
import io.corral.protocol.KillPolicy;
import io.corral.protocol.TaskInfo;

/**
 * What a framework's executor implements. The driver calls these methods one at a time, on
 * one thread of its own (never concurrently, never on the caller's thread); they may call
 * any {@link ExecutorDriver} method, which never blocks. A callback that blocks delays the
 * ones after it, not the driver's connection to the agent.
 *
 * <p><b>Health checks.</b> A task may carry a {@code health_check} (HTTP, TCP or COMMAND). The
 * command executor runs it; a custom executor gets the same checks from {@link HealthChecks}: start
 * them with the task once it runs, stop them when it ends, and kill the task when they say it is
 * unhealthy, reporting {@link HealthChecks#killedUnhealthy}. An executor that does not leaves its
 * tasks unchecked (no {@code healthy} in their updates).
 */
public interface Executor {

  /** The executor is connected to its agent for the first time. */
  void registered(ExecutorDriver driver, ExecutorInfo executorInfo, FrameworkInfo frameworkInfo,
      AgentInfo agentInfo);

  /** The executor reconnected to its agent (after the agent restarted, say). */
  default void reregistered(ExecutorDriver driver, AgentInfo agentInfo) {}

  /** The connection to the agent is lost; the driver keeps trying until the recovery timeout. */
  default void disconnected(ExecutorDriver driver) {}

  /** Runs a task. Report TASK_RUNNING (or a failure) with {@link ExecutorDriver#sendStatusUpdate}. */
  void launchTask(ExecutorDriver driver, TaskInfo task);

  /** Kills a task within the policy's grace period, then reports TASK_KILLED. */
  void killTask(ExecutorDriver driver, String taskId, KillPolicy killPolicy);

  /** Data sent by the framework's scheduler. At most once, in order. */
  default void frameworkMessage(ExecutorDriver driver, byte[] data) {}

  /** Kill every task and return; the agent kills the process after its shutdown grace period. */
  void shutdown(ExecutorDriver driver);

  /** A fatal error: the driver has aborted. */
  default void error(ExecutorDriver driver, String message) {}
}
