package io.corral.agent.exec;

import java.io.IOException;

/**
 * Starts an executor's process ({@link ExecutorLauncher} on a host; a fake in tests). Blocking:
 * called on a worker thread, never on the agent's loop.
 */
@FunctionalInterface
interface ProcessStarter {
  Process start(ExecutorLauncher.Spec spec) throws IOException;
}
