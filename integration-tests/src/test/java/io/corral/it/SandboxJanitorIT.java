package io.corral.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.corral.agent.gc.SandboxJanitor;
import io.corral.bridges.testkit.RecordingScheduler;
import io.corral.common.resources.Resources;
import io.corral.local.LocalCluster;
import io.corral.protocol.FrameworkInfo;
import io.corral.protocol.Offer;
import io.corral.protocol.TaskState;
import io.corral.scheduler.CorralSchedulerDriver;
import io.corral.scheduler.TaskInfos;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

/** A real agent rotates a chatty task's stdout while it runs and removes the sandbox once its executor is gone. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class SandboxJanitorIT {

  @Test
  void logsRotateWhileTheTaskRunsAndTheSandboxGoesAfterTheExecutor(TestInfo info) throws Exception {
    Path dir = TestClusters.dir(info);
    SandboxJanitor.Settings fast = new SandboxJanitor.Settings(Duration.ZERO, 0.1, 4096, 3,
        Duration.ofMillis(200), Duration.ofMillis(500));
    try (LocalCluster cluster = TestClusters.inProcess(dir, 1, "cpus:1;mem:512")
        .agentConfig(a -> a.sandboxJanitor(fast).commandExecutorIdleTimeout(Duration.ofSeconds(1))).start()) {
      RecordingScheduler s = new RecordingScheduler();
      CorralSchedulerDriver driver = new CorralSchedulerDriver(s, FrameworkInfo.newBuilder().setName("chatty").build(),
          cluster.masterAddress().toString());
      driver.start();
      Offer offer = s.nextOffer();
      // about 2 KiB every 100 ms, until told to stop
      Path stop = dir.resolve("stop");
      driver.launchTasks(List.of(offer.getId()), List.of(TaskInfos.command("chatty", offer,
          Resources.parse("cpus:0.1;mem:32"), TaskInfos.shell("i=0; while [ ! -e " + stop + " ]; do i=$((i+1));"
              + " printf 'line %05d %01000d\\n' $i 0; printf 'line %05d %01000d\\n' $i 0; sleep 0.1; done"))));
      s.awaitState("chatty", TaskState.TASK_RUNNING);
      Path frameworks = dir.resolve("agent-0/frameworks");
      Path task = await().atMost(Duration.ofSeconds(30)).until(() -> find(frameworks, "chatty"), p -> p != null);

      await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(task.resolve("stdout.2")));
      assertThat(Files.size(task.resolve("stdout"))).isLessThan(64 * 1024); // kept small, never one big file
      assertThat(task.resolve("stdout.3")).doesNotExist(); // 3 files: the live one and 2 copies
      long before = lastLine(task.resolve("stdout"));
      await().atMost(Duration.ofSeconds(30)).until(() -> lastLine(task.resolve("stdout")) > before); // still writing

      Files.createFile(stop);
      s.awaitState("chatty", TaskState.TASK_FINISHED);
      // the command executor exits when idle (1 s); its sandbox, gc delay 0, goes at the next pass
      Path run = task.getParent().getParent();
      await().atMost(Duration.ofSeconds(60)).until(() -> !Files.exists(run));
      driver.stop();
      driver.join();
    }
  }

  private static Path find(Path frameworks, String taskId) throws Exception {
    if (!Files.isDirectory(frameworks)) {
      return null;
    }
    try (Stream<Path> all = Files.walk(frameworks)) {
      return all.filter(p -> p.getFileName().toString().equals(taskId) && p.getParent().getFileName().toString()
          .equals("tasks")).findFirst().orElse(null);
    }
  }

  private static long lastLine(Path log) throws Exception {
    List<String> lines = Files.readAllLines(log);
    for (int i = lines.size() - 1; i >= 0; i--) {
      if (lines.get(i).startsWith("line ")) {
        return Long.parseLong(lines.get(i).substring(5, 10));
      }
    }
    return -1;
  }
}
