package io.corral.agent.exec;

import static org.assertj.core.api.Assertions.assertThat;

import io.corral.agent.isolation.CgroupLayout;
import io.corral.agent.isolation.IsolationSettings;
import io.corral.agent.isolation.Isolators;
import io.corral.common.resources.Resources;
import io.corral.protocol.ExecutorInfo;
import io.corral.protocol.FrameworkInfo;
import io.corral.protocol.TaskInfo;
import io.corral.protocol.TaskState;
import io.corral.protocol.TaskStatus;
import io.corral.protocol.TaskStatusReason;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A task's terminal update against the OOM evidence in its cgroups, on fake cgroup trees (the files
 * the kernel keeps, written by the test; no processes): an OOM kill fails the task with "memory
 * limit" whatever its command's exit status or its executor said.
 */
class ExecutorIsolationTest {
  private static final String AGENT = "A1";
  private final ExecutorService workers = Executors.newSingleThreadExecutor();

  @AfterEach
  void stopWorkers() {
    workers.shutdownNow();
  }

  /** A cgroup v1 host with a memory hierarchy the agent may write. */
  private static Isolators v1Host(Path root) throws Exception {
    Path mount = Files.createDirectories(root.resolve("sys/fs/cgroup/memory"));
    Path own = Files.createDirectories(mount.resolve("agent.service"));
    return Isolators.select(IsolationSettings.DEFAULT,
        new CgroupLayout(Map.of("memory", new CgroupLayout.Hierarchy(1, mount, own))));
  }

  /** A cgroup v2 host (one directory per cgroup for every controller). */
  private static Isolators v2Host(Path root) throws Exception {
    Path mount = Files.createDirectories(root.resolve("sys/fs/cgroup"));
    Path own = Files.createDirectories(mount.resolve("agent.service"));
    Files.writeString(mount.resolve("cgroup.controllers"), "memory\n");
    Files.writeString(own.resolve("cgroup.subtree_control"), "");
    return Isolators.select(IsolationSettings.DEFAULT,
        new CgroupLayout(Map.of("memory", new CgroupLayout.Hierarchy(2, mount, own))));
  }

  private static ExecutorRun run(boolean command, String executorId, Path sandbox) {
    FrameworkInfo framework = FrameworkInfo.newBuilder().setId("F1").build();
    ExecutorInfo info = ExecutorInfo.newBuilder().setExecutorId(executorId)
        .addAllResources(Resources.parse("cpus:0.1;mem:128").toProto()).build();
    return new ExecutorRun(new ExecutorKey("F1", executorId), "c1", info, framework, command, sandbox);
  }

  private static AgentTask task(ExecutorRun run, String id, String resources) {
    TaskInfo info = TaskInfo.newBuilder().setTaskId(id).setName(id)
        .addAllResources(Resources.parse(resources).toProto()).build();
    AgentTask t = new AgentTask("F1", info, run);
    run.tasks().put(id, t);
    return t;
  }

  private static TaskStatus update(String taskId, TaskState state, String message, int exitCode) {
    return TaskStatus.newBuilder().setTaskId(taskId).setState(state).setMessage(message)
        .setReason(TaskStatusReason.REASON_COMMAND_EXITED).setExitCode(exitCode).build();
  }

  private static Path dirOf(ExecutorRun run) {
    return run.cgroups().dirs().get(0);
  }

  @Test
  void aCommandTaskWhoseCgroupSawAnOomKillFailsThoughItsCommandExitedZero(@TempDir Path root) throws Exception {
    ExecutorIsolation isolation = new ExecutorIsolation(v1Host(root), workers);
    ExecutorRun run = run(true, "corral:command", root.resolve("sandbox"));
    AgentTask oomed = task(run, "oomed", "cpus:0.1;mem:64");
    AgentTask calm = task(run, "calm", "cpus:0.1;mem:64");
    isolation.prepare(AGENT, run);
    Path taskDir = dirOf(run).resolve("task-oomed");
    Files.writeString(taskDir.resolve("memory.oom_control"), "oom_kill_disable 0\nunder_oom 0\noom_kill 1\n");
    Files.writeString(taskDir.resolve("memory.max_usage_in_bytes"), Long.toString(64L << 20));
    Files.writeString(dirOf(run).resolve("task-calm/memory.oom_control"), "oom_kill_disable 0\nunder_oom 0\noom_kill 0\n");

    TaskStatus failed = isolation.limited(oomed, update("oomed", TaskState.TASK_FINISHED, "command exited with status 0", 0));
    TaskStatus finished = isolation.limited(calm, update("calm", TaskState.TASK_FINISHED, "command exited with status 0", 0));

    assertThat(failed.getState()).isEqualTo(TaskState.TASK_FAILED);
    assertThat(failed.getReason()).isEqualTo(TaskStatusReason.REASON_MEMORY_LIMIT);
    assertThat(failed.getMessage()).isEqualTo("memory limit: task oomed needed more than its 64.0 MiB (peak 64.0 MiB) "
        + "and was killed; command exited with status 0");
    assertThat(failed.getExitCode()).as("the exit status is still told").isZero();
    assertThat(finished.getState()).as("its neighbour, without an OOM kill").isEqualTo(TaskState.TASK_FINISHED);
    assertThat(finished.getReason()).isEqualTo(TaskStatusReason.REASON_COMMAND_EXITED);
  }

  @Test
  void aCustomExecutorsTaskFailsWhenItsContainerSawAnOomKillWhateverTheExecutorReported(@TempDir Path root)
      throws Exception {
    ExecutorIsolation isolation = new ExecutorIsolation(v2Host(root), workers);
    ExecutorRun run = run(false, "spark-1", root.resolve("sandbox"));
    AgentTask t = task(run, "t1", "cpus:0.1;mem:32");
    isolation.prepare(AGENT, run);
    TaskStatus finished = update("t1", TaskState.TASK_FINISHED, "done", 0);
    assertThat(isolation.limited(t, finished)).as("no OOM kill yet").isEqualTo(finished);

    Files.writeString(dirOf(run).resolve("memory.events"), "low 0\nhigh 0\nmax 12\noom 1\noom_kill 1\n");
    TaskStatus failed = isolation.limited(t, finished);

    assertThat(failed.getState()).isEqualTo(TaskState.TASK_FAILED);
    assertThat(failed.getReason()).isEqualTo(TaskStatusReason.REASON_MEMORY_LIMIT);
    assertThat(failed.getMessage()).startsWith("memory limit: executor spark-1 needed more than its 160.0 MiB")
        .endsWith("; done");
  }

  @Test
  void updatesBeforeTheEndPassUnchangedTheWatcherActsOnThose(@TempDir Path root) throws Exception {
    ExecutorIsolation isolation = new ExecutorIsolation(v1Host(root), workers);
    ExecutorRun run = run(true, "corral:command", root.resolve("sandbox"));
    AgentTask t = task(run, "t1", "cpus:0.1;mem:64");
    isolation.prepare(AGENT, run);
    Files.writeString(dirOf(run).resolve("task-t1/memory.oom_control"), "oom_kill_disable 0\nunder_oom 0\noom_kill 2\n");
    TaskStatus running = update("t1", TaskState.TASK_RUNNING, "pid 42", 0);

    assertThat(isolation.limited(t, running)).isEqualTo(running);
    assertThat(t.limitation()).isNull();
  }

  /** posix/mem and disk/du: no cgroups; the limit a watcher saw and acted on wins over the update that follows. */
  @Test
  void aLimitTheWatcherSawWinsOverAnyTerminalUpdate(@TempDir Path root) throws Exception {
    ExecutorIsolation isolation = new ExecutorIsolation(Isolators.none(IsolationSettings.DEFAULT), workers);
    ExecutorRun run = run(true, "corral:command", root.resolve("sandbox"));
    isolation.prepare(AGENT, run);
    AgentTask finishedFirst = task(run, "t1", "cpus:0.1;mem:64");
    finishedFirst.limit(Limitation.memory("task t1", 64L << 20, 80L << 20));
    AgentTask killed = task(run, "t2", "cpus:0.1;mem:64;disk:2");
    killed.limit(Limitation.disk("task t2", 2L << 20, 10L << 20));
    AgentTask clean = task(run, "t3", "cpus:0.1;mem:64");

    TaskStatus t1 = isolation.limited(finishedFirst, update("t1", TaskState.TASK_FINISHED, "command exited with status 0", 0));
    TaskStatus t2 = isolation.limited(killed, update("t2", TaskState.TASK_KILLED, "killed", 137));
    TaskStatus t3 = isolation.limited(clean, update("t3", TaskState.TASK_FINISHED, "", 0));

    assertThat(t1.getState()).isEqualTo(TaskState.TASK_FAILED);
    assertThat(t1.getReason()).isEqualTo(TaskStatusReason.REASON_MEMORY_LIMIT);
    assertThat(t1.getMessage()).isEqualTo(
        "memory limit: task t1 needed more than its 64.0 MiB (peak 80.0 MiB) and was killed; command exited with status 0");
    assertThat(t2.getState()).isEqualTo(TaskState.TASK_FAILED);
    assertThat(t2.getReason()).isEqualTo(TaskStatusReason.REASON_DISK_LIMIT);
    assertThat(t2.getMessage()).endsWith("and was killed; killed");
    assertThat(t3.getState()).isEqualTo(TaskState.TASK_FINISHED);
    assertThat(t3.getMessage()).isEmpty();
  }
}
