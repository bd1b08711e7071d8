package io.corral.executor;

import io.corral.common.DriverStatus;
import io.corral.protocol.TaskStatus;

/**
 * How an executor talks to its agent. Every method is thread-safe and returns at once; the
 * work happens on the driver's own thread.
 */
public interface ExecutorDriver {

  /** Connects to the agent named in the environment ({@code CORRAL_AGENT_ENDPOINT} ...). */
  DriverStatus start();

  /** Disconnects and stops; tasks are the executor's to clean up first. */
  DriverStatus stop();

  /**
   * Stops once the agent has acknowledged every status update sent before this call, or after the
   * shutdown grace ({@code CORRAL_SHUTDOWN_GRACE}, 5 s) if it does not: how an executor whose
   * process ends with its task reports that end without racing its own exit (the agent would take
   * an exit before the task's terminal update for a failure).
   */
  DriverStatus stopWhenAcknowledged();

  /** Stops without ceremony; {@link #join} returns DRIVER_ABORTED. */
  DriverStatus abort();

  /** Waits until the driver is stopped or aborted. */
  DriverStatus join();

  /** {@link #start} then {@link #join}. */
  DriverStatus run();

  /**
   * Sends a task's status to the framework, reliably: the driver resends it to the agent
   * after reconnecting until the agent has it. Task id and state are required; the uuid,
   * timestamp, source and ids are filled in.
   */
  DriverStatus sendStatusUpdate(TaskStatus status);

  /** Sends data to the framework's scheduler. At most once. */
  DriverStatus sendFrameworkMessage(byte[] data);
}
