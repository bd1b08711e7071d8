package io.corral.agent.exec;

import io.corral.agent.isolation.ContainerCgroups;
import io.corral.agent.isolation.ContainerLimits;
import io.corral.agent.isolation.Isolators;
import io.corral.common.Env;
import io.corral.common.resources.Resources;
import io.corral.common.task.TaskStates;
import io.corral.protocol.CommandInfo;
import io.corral.protocol.EnvironmentVariable;
import io.corral.protocol.TaskInfo;
import io.corral.protocol.TaskStatus;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the agent's isolators do to executor runs, at the points of their lives where it matters:
 * a container's cgroups are made with its limits before its process starts; a command task gets
 * cgroups of its own before it reaches the command executor (which enters them, see
 * {@link io.corral.common.process.CgroupEntry}); the container's limits follow its tasks; a task or
 * executor the OOM killer struck fails with {@code memory limit} and its peak; cgroups go with the
 * run. cgroupfs lives in the kernel's memory, so creating cgroups and reading their counters is
 * done on the agent's loop (microseconds, no disk); killing and removing, which wait for
 * processes to die, run on workers. Loop-owned.
 */
final class ExecutorIsolation {
  private static final Logger LOG = LoggerFactory.getLogger(ExecutorIsolation.class);
  /** The least memory limit given (as Mesos): a shell and its libraries do not start in less. */
  static final long MIN_MEM_BYTES = 32L << 20;
  private static final Duration DESTROY_TIMEOUT = Duration.ofSeconds(30);

  private final Isolators isolators;
  private final java.util.concurrent.Executor workers;
  /** Removals of cgroups under way (an agent that stops waits for them). */
  private final java.util.Set<java.util.concurrent.CompletableFuture<Void>> removing =
      java.util.concurrent.ConcurrentHashMap.newKeySet();

  ExecutorIsolation(Isolators isolators, java.util.concurrent.Executor workers) {
    this.isolators = isolators;
    this.workers = workers;
  }

  Isolators isolators() {
    return isolators;
  }

  /**
   * Creates the run's cgroups with its limits, and those of the command tasks it already has;
   * returns the {@code cgroup.procs} files its process enters (empty without cgroups).
   */
  List<String> prepare(String agentId, ExecutorRun run) throws IOException {
    var cgroups = isolators.container(agentId, run.containerId(), run.isCommandExecutor());
    if (cgroups.isEmpty()) {
      return List.of();
    }
    ContainerCgroups c = cgroups.get();
    c.create(containerLimits(run));
    run.setCgroups(c);
    if (c.nested()) {
      for (AgentTask t : run.liveTasks()) {
        c.createTask(t.info().getTaskId(), taskLimits(t.info()));
      }
    }
    LOG.debug("container {} of executor {}: cgroups {}", run.containerId(), run.key(), c.dirs());
    return c.procsFiles();
  }

  /** A recovered run takes its cgroups back (their paths follow from its ids). */
  void reattach(String agentId, ExecutorRun run) {
    isolators.container(agentId, run.containerId(), run.isCommandExecutor()).filter(ContainerCgroups::exists)
        .ifPresent(run::setCgroups);
  }

  /**
   * A task joined a running container: its own cgroups (command executor), and the container's limits
   * grown. Returns why that failed, or null.
   */
  String taskAdded(ExecutorRun run, AgentTask t) {
    ContainerCgroups c = run.cgroups();
    if (c == null) {
      return null; // no cgroups, or the container is not made yet: prepare() includes the task
    }
    try {
      if (c.nested()) {
        c.createTask(t.info().getTaskId(), taskLimits(t.info()));
      }
      c.update(containerLimits(run));
      return null;
    } catch (IOException | RuntimeException e) {
      return "could not create the task's cgroups: " + e.getMessage();
    }
  }

  /** The task as its command executor gets it: told which cgroups to enter. */
  TaskInfo deliverable(ExecutorRun run, TaskInfo task) {
    ContainerCgroups c = run.cgroups();
    if (c == null || !c.nested() || !task.hasCommand()) {
      return task;
    }
    CommandInfo.Builder command = task.getCommand().toBuilder();
    command.addEnvironment(EnvironmentVariable.newBuilder().setName(Env.CGROUP_PROCS)
        .setValue(String.join(":", c.taskProcsFiles(task.getTaskId()))));
    return task.toBuilder().setCommand(command).build();
  }

  /**
   * A task's update as the agent reports it: updates before the end pass unchanged; at the end, a
   * task that broke a limit fails with the
   * limit's reason, whatever its command's exit status or its executor made of it: a limit the
   * watchers saw, or an OOM kill in its cgroup (a command task's own, a custom executor's container),
   * read here because the kernel may have killed a child of the task that the task outlived (a shell
   * that goes on to {@code exit 0}) between two looks of the watcher.
   */
  TaskStatus limited(AgentTask t, TaskStatus status) {
    if (!TaskStates.isTerminal(status.getState())) {
      return status;
    }
    if (t.limitation() == null) {
      Limitation oom = t.run().isCommandExecutor() ? taskOom(t) : executorOom(t.run());
      if (oom != null) {
        t.limit(oom);
      }
    }
    return t.limitation() == null ? status : t.limitation().failed(status);
  }

  /** The memory limitation of a command task the OOM killer struck, or null. */
  Limitation taskOom(AgentTask t) {
    ContainerCgroups c = t.run().cgroups();
    if (c == null || !c.nested()) {
      return null;
    }
    String id = t.info().getTaskId();
    try {
      if (c.oomKills(id) == 0) {
        return null;
      }
      return Limitation.memory("task " + id, c.memoryLimit(id).orElse(0), c.taskUsage(id).memoryPeakBytes());
    } catch (IOException e) {
      return null; // its cgroup is gone already
    }
  }

  /** The memory limitation of a custom executor the OOM killer struck, or null. */
  Limitation executorOom(ExecutorRun run) {
    ContainerCgroups c = run.cgroups();
    if (c == null || c.nested()) {
      return null;
    }
    try {
      if (c.oomKills(null) == 0) {
        return null;
      }
      return Limitation.memory("executor " + run.key().executorId(), c.memoryLimit(null).orElse(0),
          c.usage().memoryPeakBytes());
    } catch (IOException e) {
      return null;
    }
  }

  /** A task ended: its cgroups go (off the loop), the container's limits follow its remaining tasks. */
  void taskEnded(ExecutorRun run, AgentTask t) {
    ContainerCgroups c = run.cgroups();
    if (c == null) {
      return;
    }
    try {
      c.update(containerLimits(run));
    } catch (IOException e) {
      LOG.debug("could not update the limits of container {}: {}", run.containerId(), e.toString());
    }
    killTask(t);
  }

  /** Kills whatever is left in a task's cgroups and removes them (its end, or a broken limit), off the loop. */
  void killTask(AgentTask t) {
    ContainerCgroups c = t.run().cgroups();
    if (c != null && c.nested()) {
      String id = t.info().getTaskId();
      remove(() -> c.destroyTask(id, DESTROY_TIMEOUT), "task " + id + "'s cgroups");
    }
  }

  /** The run is over: every process left in its cgroups is killed and the cgroups removed, off the loop. */
  void runEnded(ExecutorRun run) {
    ContainerCgroups c = run.cgroups();
    if (c != null) {
      remove(() -> c.destroy(DESTROY_TIMEOUT), "container " + run.containerId());
    }
  }

  private void remove(Destroy d, String what) {
    java.util.concurrent.CompletableFuture<Void> f = new java.util.concurrent.CompletableFuture<>();
    removing.add(f);
    try {
      workers.execute(() -> {
        try {
          destroy(d, what);
        } finally {
          removing.remove(f);
          f.complete(null);
        }
      });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      removing.remove(f); // the agent is stopping: whatever is left is an orphan for the next start
      f.complete(null);
    }
  }

  /** Completes when the cgroup removals started so far are done. */
  java.util.concurrent.CompletableFuture<Void> removals() {
    return java.util.concurrent.CompletableFuture.allOf(removing.toArray(new java.util.concurrent.CompletableFuture<?>[0]));
  }

  private interface Destroy {
    boolean run() throws IOException, InterruptedException;
  }

  private static void destroy(Destroy d, String what) {
    try {
      if (!d.run()) {
        LOG.warn("could not remove {} within {}: processes would not die", what, DESTROY_TIMEOUT);
      }
    } catch (IOException e) {
      LOG.debug("removing {}: {}", what, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * A container's limits: a custom executor's own resources and its live tasks'; the command
   * executor's tasks' plus its overhead.
   */
  ContainerLimits containerLimits(ExecutorRun run) {
    Resources total = run.isCommandExecutor() ? isolators.settings().commandExecutorOverhead()
        : Resources.fromProto(run.info().getResourcesList());
    for (AgentTask t : run.liveTasks()) {
      total = total.plus(Resources.fromProto(t.info().getResourcesList()).scalarsOnly());
    }
    return floor(ContainerLimits.of(total, run.isCommandExecutor() ? 0 : isolators.settings().pidsLimit()));
  }

  /** A command task's limits: exactly its resources. */
  ContainerLimits taskLimits(TaskInfo task) {
    return floor(ContainerLimits.of(Resources.fromProto(task.getResourcesList()), isolators.settings().pidsLimit()));
  }

  private static ContainerLimits floor(ContainerLimits l) {
    return l.memBytes() > 0 && l.memBytes() < MIN_MEM_BYTES
        ? new ContainerLimits(l.cpus(), MIN_MEM_BYTES, l.pids(), l.diskBytes()) : l;
  }
}
