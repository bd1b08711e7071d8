package io.corral.agent.exec;

import io.corral.agent.exec.ExecutorRunStateMachine.FetchFailed;
import io.corral.agent.exec.ExecutorRunStateMachine.Fetched;
import io.corral.protocol.CommandInfo;
import io.corral.protocol.ExecutorInfo;
import io.corral.protocol.FrameworkInfo;
import io.corral.protocol.TaskInfo;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Finds the run a task goes to, launching a new one when its executor does not run here (or is
 * stopping): a new container id and sandbox, checkpointed, then its executor's URIs fetched into the
 * sandbox; the fetch's outcome is the run's next event ({@link RunBook}, which has its process started).
 * A command task goes to its framework's command executor; any other to the executor it names.
 * Loop-owned.
 */
final class RunLauncher {
  /** Executor id of the built-in command executor of each framework. */
  static final String COMMAND_EXECUTOR_ID = "corral:command";
  private static final String AGENT_PID = Long.toString(ProcessHandle.current().pid(), 36);
  /** Per JVM, not per agent: in-process agents (LocalCluster) share the JVM's pid. */
  private static final AtomicLong CONTAINER_SEQ = new AtomicLong();

  private final AgentRuns runs;
  private final RunBook book;
  private final SandboxFetch fetcher;
  private final ProcessUsers users;
  private final RunCheckpoints checkpoints;
  private final Path workDir;
  private final Clock clock;

  RunLauncher(AgentRuns runs, RunBook book, SandboxFetch fetcher, ProcessUsers users, RunCheckpoints checkpoints,
      Path workDir, Clock clock) {
    this.runs = runs;
    this.book = book;
    this.fetcher = fetcher;
    this.users = users;
    this.checkpoints = checkpoints;
    this.workDir = workDir;
    this.clock = clock;
  }

  /** The run the task joins: its executor's, or a new one, launched. */
  ExecutorRun runFor(FrameworkInfo framework, TaskInfo task) {
    boolean command = task.hasCommand();
    ExecutorInfo info = command
        ? ExecutorInfo.newBuilder().setExecutorId(COMMAND_EXECUTOR_ID).setFrameworkId(framework.getId())
            .setName("command executor").build()
        : task.getExecutor();
    ExecutorKey key = new ExecutorKey(framework.getId(), info.getExecutorId());
    ExecutorRun run = runs.run(key);
    if (run != null && ExecutorRunStateMachine.takesTasks(run.state())) {
      return run;
    }
    // Unique on the host, not only in this agent: processes are found by their container id in their
    // environment (ProcessTree.killMarked), and agents sharing a host (LocalCluster) launch in the same ms.
    String containerId = Long.toString(clock.millis(), 36) + "-" + AGENT_PID + "-" + CONTAINER_SEQ.incrementAndGet();
    run = new ExecutorRun(key, containerId, info, framework, command, Sandboxes.runDir(workDir, key, containerId));
    runs.add(run);
    checkpoints.executor(run);
    fetch(run);
    return run;
  }

  /** Fetches the executor's URIs into its sandbox (none for the command executor: done at once). */
  private void fetch(ExecutorRun run) {
    CommandInfo command = run.info().getCommand();
    fetcher.fetch(command.getUrisList(), run.sandbox(), users.fetchUser(run.framework(), command),
        "executor " + run.key(), failure -> book.apply(run, failure == null ? new Fetched()
            : new FetchFailed(failure.uri() + ": " + failure.getMessage())));
  }
}
