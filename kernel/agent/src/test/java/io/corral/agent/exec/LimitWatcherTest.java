package io.corral.agent.exec;

import static io.corral.agent.exec.SupervisorFixture.COMMAND;
import static io.corral.protocol.ExecutorEvent.TypeCase.KILL;
import static org.assertj.core.api.Assertions.assertThat;

import io.corral.agent.isolation.CgroupLayout;
import io.corral.agent.isolation.IsolationSettings;
import io.corral.agent.isolation.Isolators;
import io.corral.common.resources.Resources;
import io.corral.protocol.CommandInfo;
import io.corral.protocol.TaskInfo;
import io.corral.protocol.TaskState;
import io.corral.protocol.TaskStatusReason;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** disk/du on real sandboxes (files written by the test), on the loop's timer: no process, no real time. */
class LimitWatcherTest {
  @TempDir
  Path work;

  private static TaskInfo task(String id, String resources) {
    return TaskInfo.newBuilder().setTaskId(id).setName(id).setCommand(CommandInfo.newBuilder().setValue("true"))
        .addAllResources(Resources.parse(resources).toProto()).build();
  }

  @Test
  void aTaskThatWritesMoreThanItsDiskIsKilledAtOnceAndFailsWithTheLimitWhateverItReports() throws Exception {
    Isolators diskOnly = Isolators.select(IsolationSettings.DEFAULT.withRequested(List.of(Isolators.DISK_DU)),
        new CgroupLayout(Map.of()));
    SupervisorFixture f = new SupervisorFixture(work, null, diskOnly);
    f.supervisor.start();
    f.runTasks(task("hog", "cpus:0.1;mem:32;disk:1"), task("calm", "cpus:0.1;mem:32;disk:1"));
    ExecutorRun run = f.run(COMMAND);
    ExecutorStream s = f.subscribe(run);
    f.update(s, run, "hog", TaskState.TASK_RUNNING);
    Path sandbox = Files.createDirectories(run.sandbox().resolve("tasks").resolve("hog"));
    Files.write(sandbox.resolve("big"), new byte[2 << 20]);

    f.advance(Duration.ofSeconds(1));

    assertThat(s.of(KILL)).singleElement().satisfies(k -> {
      assertThat(k.getKill().getTaskId()).isEqualTo("hog");
      assertThat(k.getKill().getKillPolicy().getGracePeriodSeconds()).isZero();
    });
    f.advance(Duration.ofSeconds(30));
    assertThat(s.of(KILL)).as("told once").hasSize(1);

    f.update(s, run, "hog", TaskState.TASK_KILLED);
    f.acknowledge("hog");
    assertThat(f.last("hog").getState()).isEqualTo(TaskState.TASK_FAILED);
    assertThat(f.last("hog").getReason()).isEqualTo(TaskStatusReason.REASON_DISK_LIMIT);
    assertThat(f.last("hog").getMessage()).startsWith("disk limit: task hog wrote 2.0 MiB into its sandbox, more "
        + "than its 1.0 MiB, and was killed");
    assertThat(f.states("calm")).isEmpty();
  }

  @Test
  void nothingIsWatchedBeforeStart() throws Exception {
    Isolators diskOnly = Isolators.select(IsolationSettings.DEFAULT.withRequested(List.of(Isolators.DISK_DU)),
        new CgroupLayout(Map.of()));
    SupervisorFixture f = new SupervisorFixture(work, null, diskOnly);
    assertThat(f.loop.scheduledCount()).isZero();
    f.supervisor.start();
    assertThat(f.loop.scheduledCount()).isEqualTo(1);
  }
}
