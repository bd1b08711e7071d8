package io.corral.agent.exec;

import io.corral.common.Env;
import io.corral.common.process.ProcessTree;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** What the agent does to executor processes once they run: find, watch and kill them. A fake in tests. */
interface ProcessControl {

  /** Kills the process and its descendants: SIGTERM, then SIGKILL after the grace. Does not block. */
  void kill(ProcessHandle process, Duration grace);

  /** Kills whatever a container left behind (processes carrying its id in their environment). Does not block. */
  void killContainer(String containerId);

  /**
   * Completes once the run's process has exited (for the agent's own child: once it is reaped, its
   * exit status known).
   */
  CompletableFuture<?> onExit(ExecutorRun run);

  /** The live process of a checkpointed executor (the same pid and start time), if it still runs. */
  Optional<ProcessHandle> find(long pid, long startMillis);

  /** The host's processes. */
  static ProcessControl host() {
    return new ProcessControl() {
      @Override
      public void kill(ProcessHandle process, Duration grace) {
        ProcessTree.kill(process, grace);
      }

      @Override
      public void killContainer(String containerId) {
        ProcessTree.killMarked(Env.CONTAINER_ID, containerId, Duration.ZERO);
      }

      @Override
      public CompletableFuture<?> onExit(ExecutorRun run) {
        return run.process() != null ? run.process().onExit() : run.handle().onExit();
      }

      @Override
      public Optional<ProcessHandle> find(long pid, long startMillis) {
        return ExecutorProcesses.find(pid, startMillis);
      }
    };
  }
}
