package io.corral.agent.exec;

import io.corral.agent.exec.AgentTaskStateMachine.Ended;
import io.corral.agent.exec.AgentTaskStateMachine.FetchFailed;
import io.corral.agent.exec.AgentTaskStateMachine.Fetched;
import io.corral.agent.exec.AgentTaskStateMachine.Kill;
import io.corral.agent.exec.AgentTaskStateMachine.Stage;
import io.corral.common.task.PathNames;
import io.corral.protocol.FrameworkInfo;
import io.corral.protocol.KillPolicy;
import io.corral.protocol.TaskInfo;
import io.corral.protocol.TaskStatusReason;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tasks from the master to their executors: each task is booked (and checkpointed) in the run
 * {@link RunLauncher} finds or launches for it, gets its cgroups, has its URIs fetched into its own
 * sandbox ({@code tasks/<task-id>/}) if it has any, and waits in its run's queue until its executor
 * has subscribed; the tasks of one launch that are ready go to their executor in one message. Kills
 * from the master go to the task's table: a task not yet with its executor ends at once. Loop-owned.
 */
final class TaskDelivery {
  private static final Logger LOG = LoggerFactory.getLogger(TaskDelivery.class);

  private final AgentRuns runs;
  private final RunLauncher launcher;
  private final RunBook book;
  private final SandboxFetch fetcher;
  private final ProcessUsers users;
  private final ExecutorIsolation isolation;
  private final RunCheckpoints checkpoints;
  private final TaskReports reports;

  TaskDelivery(AgentRuns runs, RunLauncher launcher, RunBook book, SandboxFetch fetcher, ProcessUsers users,
      ExecutorIsolation isolation, RunCheckpoints checkpoints, TaskReports reports) {
    this.runs = runs;
    this.launcher = launcher;
    this.book = book;
    this.fetcher = fetcher;
    this.users = users;
    this.isolation = isolation;
    this.checkpoints = checkpoints;
    this.reports = reports;
  }

  /** The master's RUN_TASKS: tasks of one framework for this agent. */
  void runTasks(FrameworkInfo framework, List<TaskInfo> tasks) {
    if (runs.putFramework(framework)) {
      checkpoints.framework(framework);
    }
    Set<ExecutorRun> touched = new LinkedHashSet<>();
    for (TaskInfo task : tasks) {
      TaskKey key = new TaskKey(framework.getId(), task.getTaskId());
      if (runs.knows(key)) {
        LOG.warn("task {} is already known to this agent; ignoring the duplicate launch", key);
        continue;
      }
      ExecutorRun run = launcher.runFor(framework, task);
      boolean fetches = task.hasCommand() && task.getCommand().getUrisCount() > 0;
      AgentTask t = new AgentTask(framework.getId(), task, run, fetches ? Stage.FETCHING : Stage.QUEUED);
      runs.add(t);
      checkpoints.task(t, List.of());
      run.cancelIdleTimer();
      String isolationFailure = isolation.taskAdded(run, t);
      if (isolationFailure != null) {
        book.apply(t, new Ended(TaskStatusReason.REASON_LAUNCH_FAILED, isolationFailure));
      } else if (fetches) {
        fetch(t);
      } else {
        touched.add(run);
      }
    }
    touched.forEach(book::deliverQueued);
  }

  /** A command task's URIs go into its own sandbox before it starts. */
  private void fetch(AgentTask t) {
    TaskInfo task = t.info();
    fetcher.fetch(task.getCommand().getUrisList(), PathNames.taskSandbox(t.run().sandbox(), task.getTaskId()),
        users.fetchUser(t.run().framework(), task.getCommand()), "task " + t.key(),
        failure -> book.apply(t, failure == null ? new Fetched()
            : new FetchFailed(failure.uri() + ": " + failure.getMessage())));
  }

  /** The master's KILL_TASK ({@code cause} null: its framework asked). A task this agent does not know is reported lost. */
  void killTask(String frameworkId, String taskId, KillPolicy policy, KillCause cause) {
    AgentTask t = runs.task(new TaskKey(frameworkId, taskId));
    if (t == null) {
      reports.unknown(frameworkId, taskId);
      return;
    }
    book.apply(t, new Kill(policy, cause));
  }
}
