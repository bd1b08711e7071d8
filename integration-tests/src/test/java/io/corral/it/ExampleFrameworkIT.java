package io.corral.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.corral.bridges.testkit.RecordingScheduler;
import io.corral.examples.shell.ShellFramework;
import io.corral.local.LocalCluster;
import io.corral.protocol.FrameworkInfo;
import io.corral.protocol.TaskState;
import io.corral.scheduler.CorralSchedulerDriver;
import io.corral.scheduler.TaskInfos;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

/** The example framework on a 3-agent local cluster with real executor processes. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ExampleFrameworkIT {

  @Test
  void fiftyTasksOnThreeAgentsAllFinish(TestInfo info) throws Exception {
    Path dir = TestClusters.dir(info);
    try (LocalCluster cluster = TestClusters.inProcess(dir, 3, "cpus:1;mem:1024;disk:1024;ports:[31000-31100]").start()) {
      ShellFramework fw = new ShellFramework(TaskInfos.shell("echo ran $CORRAL_TASK_ID with $CORRAL_RESOURCES"), 50, 0.1, 32, 0);
      CorralSchedulerDriver driver = new CorralSchedulerDriver(fw,
          FrameworkInfo.newBuilder().setName("fifty").build(), cluster.masterAddress().toString());
      driver.start();
      ShellFramework.Outcome outcome = fw.outcome().get(2, TimeUnit.MINUTES);
      driver.stop();
      driver.join();

      assertThat(outcome.failures()).isEmpty();
      assertThat(outcome.finished()).isEqualTo(50);
      // Every task really ran as a process, in its own sandbox, and the work was spread out.
      try (Stream<Path> files = Files.walk(dir)) {
        var stdouts = files.filter(p -> p.getFileName().toString().equals("stdout")
            && p.getParent().getParent().getFileName().toString().equals("tasks")).toList();
        assertThat(stdouts).hasSize(50);
        for (Path p : stdouts) {
          assertThat(Files.readString(p)).isEqualTo("ran " + p.getParent().getFileName() + " with cpus:0.1;mem:32\n");
        }
        long agentsUsed = stdouts.stream().map(p -> dir.relativize(p).getName(0)).distinct().count();
        assertThat(agentsUsed).isEqualTo(3);
      }
    }
  }

  @Test
  void aFailingCommandIsReportedFailedWithItsExitCodeAndRetried(TestInfo info) throws Exception {
    Path dir = TestClusters.dir(info);
    try (LocalCluster cluster = TestClusters.inProcess(dir, 1, "cpus:1;mem:1024").start()) {
      RecordingScheduler recorder = new RecordingScheduler();
      ShellFramework fw = new ShellFramework(TaskInfos.shell("echo boom >&2; exit 3"), 1, 0.1, 32, 2);
      CorralSchedulerDriver driver = new CorralSchedulerDriver(new Tee(fw, recorder),
          FrameworkInfo.newBuilder().setName("failing").build(), cluster.masterAddress().toString());
      driver.start();
      ShellFramework.Outcome outcome = fw.outcome().get(2, TimeUnit.MINUTES);
      driver.stop();
      driver.join();

      assertThat(outcome.finished()).isZero();
      assertThat(outcome.failures()).hasSize(1);
      var failed = outcome.failures().get(0);
      assertThat(failed.getTaskId()).isEqualTo("task-0.2"); // the third attempt
      assertThat(failed.getState()).isEqualTo(TaskState.TASK_FAILED);
      assertThat(failed.getExitCode()).isEqualTo(3);
      assertThat(failed.getMessage()).contains("exited with status 3").contains("boom");
      assertThat(recorder.statesOf("task-0")).containsExactly(
          TaskState.TASK_STARTING, TaskState.TASK_RUNNING, TaskState.TASK_FAILED);
    }
  }
}
