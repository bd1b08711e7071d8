package io.corral.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.corral.bridges.testkit.Http;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

/**
 * Framework failover with real processes: a master, an agent, and the example framework
 * ({@code corral example shell --framework-id-file ...}) as the scheduler process, SIGKILLed
 * while its tasks run.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class SchedulerFailoverIT {
  private static final Duration START = Duration.ofSeconds(90);
  private final List<CorralProcess> processes = new ArrayList<>();

  @AfterEach
  void stopAll() {
    for (int i = processes.size() - 1; i >= 0; i--) {
      processes.get(i).close(); // schedulers first, then the agent (its executors and tasks), the master
    }
  }

  private CorralProcess start(Path log, String... args) throws IOException {
    CorralProcess p = CorralProcess.start(log, args);
    processes.add(p);
    return p;
  }

  /** The master's HTTP API ("http://host:port/"), once {@link #cluster} started it. */
  private String masterHttp;

  /** A master and one agent; returns the master's address. */
  private String cluster(Path dir) throws IOException {
    CorralProcess master = start(dir.resolve("master.log"), "master", "--host", "127.0.0.1", "--port", "0", "--work-dir",
        dir.resolve("master").toString(), "--agent-ping-timeout", "1s", "--max-agent-ping-timeouts", "4",
        "--allocation-interval", "200ms");
    String address = master.awaitLine("master: (127\\.0\\.0\\.1:\\d+)", START).group(1);
    masterHttp = master.awaitLine("http: (\\S+)", START).group(1);
    CorralProcess agent = start(dir.resolve("agent.log"), "agent", "--master", address, "--host", "127.0.0.1", "--port", "0",
        "--work-dir", dir.resolve("agent").toString(), "--resources", "cpus:2;mem:2048",
        "--shutdown-executors-on-exit");
    agent.awaitLine("agent: (\\S+) registered with (\\S+)", START);
    return address;
  }

  private CorralProcess scheduler(Path dir, String log, String master, int tasks, String failoverTimeout,
      String command) throws IOException {
    return start(dir.resolve(log), "example", "shell", "--master", master, "--tasks", Integer.toString(tasks),
        "--framework-id-file", dir.resolve("framework-id").toString(), "--failover-timeout", failoverTimeout,
        "--verbose", "--", command);
  }

  @Test
  void aRestartedSchedulerGetsEveryUpdateFromWhileItWasAwayAndLaunchesNothingTwice(TestInfo info)
      throws Exception {
    Path dir = TestClusters.dir(info);
    String master = cluster(dir);
    int n = 6;
    // Each launch appends its pid to launches-<task>; a task finishes once go-<task> exists.
    String command = "echo $$ >> " + dir + "/launches-$CORRAL_TASK_ID; "
        + "while [ ! -e " + dir + "/go-$CORRAL_TASK_ID ]; do sleep 0.1; done; touch " + dir + "/done-$CORRAL_TASK_ID";
    CorralProcess first = scheduler(dir, "first.log", master, n, "60s", command);
    String id = first.awaitLine("framework: (\\S+) registered", START).group(1);
    assertThat(Files.readString(dir.resolve("framework-id")).strip()).isEqualTo(id);
    await().atMost(START).until(() -> launched(dir) == n);
    for (int i = 0; i < n; i++) {
      first.awaitLine("update: task-" + i + " RUNNING", START);
    }

    first.kill(); // SIGKILL: no teardown, the id file stays
    for (int i = 0; i < n / 2; i++) { // half the tasks finish while no scheduler is there
      Files.createFile(dir.resolve("go-task-" + i));
    }
    // The agent has reported them: the master knows they finished, and the updates wait for a scheduler.
    await().atMost(START).until(() -> Stream.of(0, 1, 2).allMatch(i -> Files.exists(dir.resolve("done-task-" + i))
        && taskState(id, "task-" + i).equals("TASK_FINISHED")));

    CorralProcess second = scheduler(dir, "second.log", master, n, "60s", command);
    assertThat(second.awaitLine("framework: (\\S+) re-registered", START).group(1)).isEqualTo(id);
    for (int i = 0; i < n / 2; i++) {
      // The updates held by the agent, not only the master's reconciliation answers.
      second.awaitLine("update: task-" + i + " FINISHED", START);
    }
    for (int i = n / 2; i < n; i++) {
      Files.createFile(dir.resolve("go-task-" + i));
    }
    assertThat(second.awaitExit(START)).isZero();
    assertThat(second.stdout()).contains("finished: " + n + "/" + n);
    for (int i = 0; i < n; i++) {
      assertThat(second.stdout()).contains("update: task-" + i + " FINISHED");
      assertThat(Files.readAllLines(dir.resolve("launches-task-" + i))).as("launches of task-" + i).hasSize(1);
    }
    assertThat(launched(dir)).isEqualTo(n);
    assertThat(dir.resolve("framework-id")).as("removed once the framework is torn down").doesNotExist();
  }

  /** A task's state as the master's API shows it. */
  private String taskState(String frameworkId, String taskId) {
    return Http.json(masterHttp + "api/v1/tasks/" + java.net.URLEncoder.encode(frameworkId,
        java.nio.charset.StandardCharsets.UTF_8) + "/" + taskId).get("state").asText();
  }

  private static long launched(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.getFileName().toString().startsWith("launches-")).count();
    }
  }

  @Test
  void aSchedulerGonePastItsFailoverTimeoutLosesItsFrameworkAndTasks(TestInfo info) throws Exception {
    Path dir = TestClusters.dir(info);
    String master = cluster(dir);
    int n = 3;
    CorralProcess first = scheduler(dir, "first.log", master, n, "2s",
        "echo $$ > " + dir + "/pid-$CORRAL_TASK_ID; exec sleep 1000");
    String id = first.awaitLine("framework: (\\S+) registered", START).group(1);
    List<Long> pids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      first.awaitLine("update: task-" + i + " RUNNING", START);
      Path pid = dir.resolve("pid-task-" + i);
      await().atMost(START).until(() -> Files.exists(pid) && !Files.readString(pid).isBlank());
      pids.add(Long.parseLong(Files.readString(pid).strip()));
    }
    assertThat(pids).allMatch(SchedulerFailoverIT::alive);

    first.kill();
    await().atMost(Duration.ofSeconds(60)).until(() -> pids.stream().noneMatch(SchedulerFailoverIT::alive));
    await().atMost(Duration.ofSeconds(30)).until(() -> Files.readString(dir.resolve("master.log"))
        .contains("removing framework " + id));
    assertThat(Files.readString(dir.resolve("master.log")))
        .contains("did not come back within its failover timeout of PT2S");

    // Its id is retired: a scheduler that comes back with it is refused, and forgets it.
    CorralProcess late = scheduler(dir, "late.log", master, n, "2s", "true");
    assertThat(late.awaitExit(START)).isNotZero();
    assertThat(String.join("\n", late.stdout())).contains("was removed and cannot subscribe again");
    assertThat(dir.resolve("framework-id")).doesNotExist();
  }

  private static boolean alive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }
}
