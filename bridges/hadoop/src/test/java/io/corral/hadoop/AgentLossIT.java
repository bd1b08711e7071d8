package io.corral.hadoop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.corral.local.LocalAgent;
import io.corral.local.ProcessAgent;
import io.corral.protocol.Task;
import io.corral.protocol.TaskState;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An agent machine dies mid-job (the agent and everything it started are SIGKILLed): the job still
 * completes with the right output. Maps that had finished there are run again, since their output
 * died with the agent's ShuffleHandler.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
@ExtendWith(SharedHadoop.class)
class AgentLossIT {
  private static HadoopJobs jobs;

  @BeforeAll
  static void cluster(HadoopJobs shared) {
    jobs = shared;
  }

  @Test
  void jobCompletesAndRerunsTheMapsOfAKilledAgent() throws Exception {
    FileSystem fs = jobs.fs();
    Map<String, Integer> expected = Texts.writeWords(fs, "/agentloss/in", 6, 40, 24);
    java.nio.file.Path log = jobs.dir.resolve("agentloss.log");
    Process client = jobs.start(jobs.testJobsJar(), "slow", List.of("-Dcorral.test.line.millis=150",
        "-Dmapreduce.job.reduces=2", "-Dmapreduce.map.cpu.vcores=2"), List.of("/agentloss/in", "/agentloss/out"), log);
    try {
      // Maps take 2 cpus: 3 run at once (the AM takes 1 of the 8), so 6 maps run in two waves.
    // Wait until a map has finished on an agent that does not run the AM, while maps remain.
      String[] frameworkId = new String[1];
      Task[] finished = new Task[1];
      await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(300)).until(() -> {
        String jobId = HadoopJobs.jobId(log);
        frameworkId[0] = jobId == null ? null : jobs.frameworkId(jobId);
        if (frameworkId[0] == null) {
          return false;
        }
        List<Task> tasks = jobs.tasks(frameworkId[0]);
        Optional<String> amAgent = tasks.stream().filter(t -> t.getTaskId().equals("appmaster"))
            .map(Task::getAgentId).findFirst();
        List<Task> maps = tasks.stream().filter(t -> t.getName().contains("_m_")).toList();
        long mapsDone = maps.stream().filter(t -> t.getState() == TaskState.TASK_FINISHED).count();
        Optional<Task> candidate = maps.stream().filter(t -> t.getState() == TaskState.TASK_FINISHED
            && amAgent.isPresent() && !t.getAgentId().equals(amAgent.get())).findFirst();
        finished[0] = candidate.orElse(null);
        return candidate.isPresent() && mapsDone < 6;
      });
      List<Task> seen = jobs.tasks(frameworkId[0]);
      assertThat(seen).filteredOn(t -> t.getTaskId().equals("appmaster")).as("the AM: its framework's scheduler task")
          .singleElement().matches(Task::getSchedulerTask);
      assertThat(seen).filteredOn(t -> t.getName().contains("_m_")).isNotEmpty().noneMatch(Task::getSchedulerTask);
      String lostAgent = finished[0].getAgentId();
      Set<String> doneThere = jobs.tasks(frameworkId[0]).stream().filter(t -> t.getName().contains("_m_")
          && t.getState() == TaskState.TASK_FINISHED && t.getAgentId().equals(lostAgent))
          .map(t -> taskOf(t.getName())).collect(Collectors.toSet());

      int index = jobs.corral.agents().stream().filter(a -> lostAgent.equals(a.agentId()))
          .mapToInt(LocalAgent::index).findFirst().orElseThrow();
      killMachine(jobs.corral.processAgent(index));

      // Remember what ran where while the framework is still there to ask.
      AtomicReference<List<Task>> last = new AtomicReference<>(List.of());
      await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(500)).until(() -> {
        List<Task> tasks = jobs.tasks(frameworkId[0]);
        if (!tasks.isEmpty()) {
          last.set(tasks);
        }
        return !client.isAlive();
      });
      assertThat(HadoopJobs.await(client, log)).as("exit code; see %s", log).isZero();
      assertThat(Texts.counts(Texts.parts(fs, "/agentloss/out/part-r-*"))).isEqualTo(expected);
      // Each map that had finished on the lost agent finished again elsewhere.
      for (String map : doneThere) {
        assertThat(last.get()).as("attempts of %s", map).anyMatch(t -> t.getName().contains("_m_")
            && taskOf(t.getName()).equals(map)
            && !t.getAgentId().equals(lostAgent) && t.getState() == TaskState.TASK_FINISHED);
      }
      assertThat(Files.readString(log)).contains("completed successfully");
    } finally {
      client.destroyForcibly();
      restoreAgents();
    }
  }

  /** A machine failure: SIGKILL for the agent, its executors and their tasks. */
  private static void killMachine(ProcessAgent agent) {
    List<ProcessHandle> tree = ProcessHandle.of(agent.pid()).map(p -> p.descendants().toList()).orElse(List.of());
    agent.kill();
    tree.forEach(ProcessHandle::destroyForcibly);
  }

  /** Brings killed agents back, so the suite's pool stays at full size. */
  private static void restoreAgents() throws Exception {
    for (LocalAgent a : jobs.corral.agents()) {
      if (a instanceof ProcessAgent p && p.exitCode().isPresent()) {
        jobs.corral.restartAgent(a.index());
      }
    }
    jobs.corral.awaitAgents(jobs.corral.agents().size(), Duration.ofMinutes(1));
  }

  /** {@code task_..._m_000003} of an attempt id {@code attempt_..._m_000003_1}. */
  private static String taskOf(String attempt) {
    return attempt.substring(0, attempt.lastIndexOf('_')).replace("attempt_", "task_");
  }
}
