package io.corral.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.corral.bridges.testkit.Http;
import io.corral.bridges.testkit.RecordingScheduler;
import io.corral.common.resources.Resources;
import io.corral.local.LocalCluster;
import io.corral.protocol.CommandInfo;
import io.corral.protocol.FrameworkInfo;
import io.corral.protocol.HealthCheck;
import io.corral.protocol.KillPolicy;
import io.corral.protocol.Offer;
import io.corral.protocol.TaskInfo;
import io.corral.protocol.TaskState;
import io.corral.protocol.TaskStatus;
import io.corral.protocol.TaskStatusReason;
import io.corral.scheduler.CorralSchedulerDriver;
import io.corral.scheduler.TaskInfos;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

/**
 * Health checks run by the command executor next to real tasks on a real cluster, the four at once:
 * HTTP, TCP and COMMAND checks of healthy tasks reach the framework as updates with {@code healthy} and
 * the master's API shows them; a task whose HTTP check starts failing is killed as unhealthy.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class HealthCheckIT {
  private static final Duration WAIT = Duration.ofSeconds(40);

  /** Free ports of this host, to give the agent as its {@code ports} resource. */
  private static List<Long> freePorts(int n) throws IOException {
    List<ServerSocket> held = new ArrayList<>();
    try {
      for (int i = 0; i < n; i++) {
        held.add(new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1")));
      }
      return held.stream().map(s -> (long) s.getLocalPort()).sorted().toList();
    } finally {
      for (ServerSocket s : held) {
        s.close();
      }
    }
  }

  /** Checks from the start, every second; failures do not count for 30 s until one passes. */
  private static HealthCheck.Builder everySecond(HealthCheck.Type type) {
    return HealthCheck.newBuilder().setType(type).setDelaySeconds(0).setIntervalSeconds(1).setTimeoutSeconds(5)
        .setGracePeriodSeconds(30).setConsecutiveFailures(3);
  }

  private static TaskInfo task(String id, Offer offer, long port, String script, HealthCheck.Builder check) {
    Resources r = Resources.parse("cpus:0.1;mem:64;ports:[" + port + "-" + port + "]");
    return TaskInfos.command(id, offer, r, TaskInfos.shell(script, Map.of("PORT", Long.toString(port))))
        .toBuilder().setHealthCheck(check).setKillPolicy(KillPolicy.newBuilder().setGracePeriodSeconds(1)).build();
  }

  private static Optional<TaskStatus> healthUpdate(RecordingScheduler s, String taskId, boolean healthy) {
    return s.statuses.stream().filter(u -> u.getTaskId().equals(taskId) && u.hasHealthy()
        && u.getHealthy() == healthy && u.getState() == TaskState.TASK_RUNNING).findFirst();
  }

  private static Optional<JsonNode> taskJson(String http, String list, String taskId) {
    return StreamSupport.stream(Http.json(http + "api/v1/state").get(list).spliterator(), false)
        .filter(t -> t.get("id").asText().equals(taskId)).findFirst();
  }

  @Test
  void healthyTasksAreReportedAndShownAndAnUnhealthyOneIsKilled(TestInfo info) throws Exception {
    Path dir = TestClusters.dir(info);
    Path www = Files.createDirectories(dir.resolve("www"));
    Files.writeString(www.resolve("ready"), "yes\n");
    List<Long> ports = freePorts(4);
    String portRanges = String.join(",", ports.stream().map(p -> p + "-" + p).toList());
    try (LocalCluster cluster = TestClusters.inProcess(dir, 1, "cpus:2;mem:1024;ports:[" + portRanges + "]").start()) {
      RecordingScheduler s = new RecordingScheduler();
      CorralSchedulerDriver driver = new CorralSchedulerDriver(s, FrameworkInfo.newBuilder().setName("health").build(),
          cluster.masterAddress().toString());
      driver.start();
      Offer offer = s.nextOffer();
      List<Long> offered = new ArrayList<>();
      for (long[] range : Resources.fromProto(offer.getResourcesList()).ports().intervals()) {
        for (long p = range[0]; p <= range[1]; p++) {
          offered.add(p);
        }
      }
      assertThat(offered).containsExactlyElementsOf(ports);
      String server = "exec python3 -m http.server \"$PORT\" --bind 127.0.0.1";

      TaskInfo web = task("web", offer, offered.get(0), server, everySecond(HealthCheck.Type.HTTP)
          .setHttp(HealthCheck.HttpCheck.newBuilder().setPort(offered.get(0).intValue()).setPath("/")));
      TaskInfo tcp = task("tcp", offer, offered.get(1), server, everySecond(HealthCheck.Type.TCP)
          .setTcp(HealthCheck.TcpCheck.newBuilder().setPort(offered.get(1).intValue())));
      TaskInfo cmd = task("cmd", offer, offered.get(2), "touch started; exec sleep 1000",
          everySecond(HealthCheck.Type.COMMAND).setCommand(CommandInfo.newBuilder()
              .setValue("test -e started && test \"$CORRAL_TASK_ID\" = cmd")));
      TaskInfo sick = task("sick", offer, offered.get(3), "exec python3 -m http.server \"$PORT\" --bind 127.0.0.1"
          + " --directory " + www, everySecond(HealthCheck.Type.HTTP)
          .setHttp(HealthCheck.HttpCheck.newBuilder().setPort(offered.get(3).intValue()).setPath("/ready")));
      driver.launchTasks(List.of(offer.getId()), List.of(web, tcp, cmd, sick));

      for (String id : List.of("web", "tcp", "cmd", "sick")) {
        await().atMost(WAIT).until(() -> healthUpdate(s, id, true).isPresent());
        TaskStatus healthy = healthUpdate(s, id, true).orElseThrow();
        assertThat(healthy.getReason()).as(id).isEqualTo(TaskStatusReason.REASON_TASK_HEALTH_CHECK_STATUS_UPDATED);
      }
      assertThat(healthUpdate(s, "web", true).orElseThrow().getMessage())
          .isEqualTo("HTTP GET http://127.0.0.1:" + offered.get(0) + "/: 200");
      assertThat(healthUpdate(s, "tcp", true).orElseThrow().getMessage())
          .isEqualTo("TCP connect to 127.0.0.1:" + offered.get(1) + ": connected");
      assertThat(healthUpdate(s, "cmd", true).orElseThrow().getMessage()).isEqualTo("command exited 0");
      String http = cluster.master().httpUrl();
      for (String id : List.of("web", "tcp", "cmd")) {
        JsonNode t = await().atMost(WAIT).until(() -> taskJson(http, "tasks", id).orElse(null),
            j -> j != null && j.has("healthy"));
        assertThat(t.get("healthy").asBoolean()).as(id).isTrue();
        assertThat(t.get("state").asText()).isEqualTo("TASK_RUNNING");
      }

      Files.delete(www.resolve("ready")); // "sick" now answers 404
      TaskStatus killed = s.awaitState("sick", TaskState.TASK_KILLED, WAIT);

      assertThat(killed.getReason()).isEqualTo(TaskStatusReason.REASON_TASK_UNHEALTHY);
      assertThat(killed.hasHealthy()).isTrue();
      assertThat(killed.getHealthy()).isFalse();
      String failure = "HTTP GET http://127.0.0.1:" + offered.get(3) + "/ready: 404";
      assertThat(killed.getMessage()).isEqualTo("killed after 3 consecutive failed health checks: " + failure);
      assertThat(healthUpdate(s, "sick", false).orElseThrow().getMessage()).isEqualTo(failure);
      assertThat(s.statesOf("sick")).containsSubsequence(TaskState.TASK_RUNNING, TaskState.TASK_RUNNING,
          TaskState.TASK_RUNNING, TaskState.TASK_KILLING, TaskState.TASK_KILLED);
      JsonNode done = await().atMost(WAIT).until(() -> taskJson(http, "completed_tasks", "sick").orElse(null),
          j -> j != null);
      assertThat(done.get("healthy").asBoolean()).isFalse();
      assertThat(done.get("reason").asText()).isEqualTo("REASON_TASK_UNHEALTHY");

      int before = s.statuses.size();
      driver.reconcileTasks(List.of(TaskStatus.newBuilder().setTaskId("web").build()));
      await().atMost(WAIT).until(() -> s.statuses.stream().skip(before)
          .anyMatch(u -> u.getTaskId().equals("web") && u.getReason() == TaskStatusReason.REASON_RECONCILIATION));
      TaskStatus answer = s.statuses.stream().skip(before)
          .filter(u -> u.getTaskId().equals("web") && u.getReason() == TaskStatusReason.REASON_RECONCILIATION)
          .findFirst().orElseThrow();
      assertThat(answer.getHealthy()).as("the answer carries the latest health").isTrue();
      assertThat(s.statuses.stream().filter(u -> u.getTaskId().equals("web")
          && u.getReason() == TaskStatusReason.REASON_TASK_HEALTH_CHECK_STATUS_UPDATED))
          .as("a task that stays healthy is told once, not on every check").hasSize(1);
      driver.stop();
      driver.join();
    }
  }
}
