package io.corral.it;

import static io.corral.it.MarathonApps.ids;
import static io.corral.it.MarathonApps.isSettled;
import static io.corral.it.MarathonApps.running;
import static io.corral.it.MarathonApps.tasks;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

/**
 * Two {@code corral services} instances on one ZooKeeper path, on a master with three agent
 * processes: they agree on the leader and the standby passes requests on; the leader SIGKILLed in the
 * middle of a deployment, the standby takes over and finishes it, with no task launched twice or lost;
 * then an agent SIGKILLed (its tasks are replaced on the others) while a crash-looping app backs off
 * as configured.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ServicesFailoverIT {
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final String SLEEPERS = "/it/sleepers";
  private static final String CRASH = "/it/crash";

  @Test
  void theStandbyFinishesADeploymentOfTheKilledLeaderAndLostAgentsAndCrashLoopsAreHandled(TestInfo info)
      throws Exception {
    Path dir = TestClusters.dir(info);
    Path gate = dir.resolve("gate"); // while it exists, new sleepers pass their check at once
    try (ServicesCluster c = ServicesCluster.start(dir, true, 3, "cpus:4;mem:4096",
        List.of("--recovery-timeout", "10s"))) {
      List<String> ha = List.of("--zk", c.servicesZk(), "--zk-session-timeout", "4s");
      ServicesCluster.Services a = c.startServices("services-a", with(ha, "--work-dir", dir.resolve("a").toString()));
      ServicesCluster.Services b = c.startServices("services-b", with(ha, "--work-dir", dir.resolve("b").toString()));
      ServicesCluster.awaitServing(a);
      ServicesCluster.awaitServing(b);

      // One leads; both say which; the standby passes requests on
      String leaderAddress = await().atMost(WAIT).until(() -> leaderSeenBy(a) + " " + leaderSeenBy(b),
          s -> !s.contains("null") && s.split(" ")[0].equals(s.split(" ")[1])).split(" ")[0];
      ServicesCluster.Services leader = hostPort(a.url()).equals(leaderAddress) ? a : b;
      ServicesCluster.Services standby = leader == a ? b : a;
      assertThat(hostPort(leader.url())).isEqualTo(leaderAddress);
      assertThat(standby.api().get("ping").status()).isEqualTo(200);

      Files.writeString(gate, "open\n");
      MarathonClient.Answer created = standby.api().post("v2/apps", """
          {"id": "/it/sleepers",
           "cmd": "test -e %s && touch ready; exec sleep 3600",
           "cpus": 0.05, "mem": 32, "instances": 2,
           "constraints": [["hostname", "MAX_PER", "3"]],
           "healthChecks": [{"protocol": "COMMAND", "command": {"value": "test -e ready || test -e %s"},
             "delaySeconds": 0, "gracePeriodSeconds": 300, "intervalSeconds": 1, "timeoutSeconds": 10,
             "maxConsecutiveFailures": 3}]}"""
          .formatted(gate, gate));
      assertThat(created.status()).as("through the standby: " + created.body()).isEqualTo(201);
      assertThat(leader.api().app(SLEEPERS)).as("the leader has it").isPresent();
      assertThat(standby.api().app(SLEEPERS)).as("read through the standby").isPresent();
      JsonNode two = leader.api().settled(SLEEPERS, 2, WAIT);
      Set<String> before = ids(two);

      try (MasterTaskWatch watch = new MasterTaskWatch(c, MarathonApps.taskPrefix(SLEEPERS))) {
        // Scale 2 -> 6; the new tasks cannot pass their check until the gate opens
        Files.delete(gate);
        MarathonClient.Answer scale = leader.api().put("v2/apps/it/sleepers", "{\"instances\": 6}");
        assertThat(scale.status()).as(scale.body()).isEqualTo(200);
        String deployment = scale.json().get("deploymentId").asText();
        await().atMost(WAIT).until(() -> watch.running().size() == 6);
        assertThat(leader.api().deploymentIds()).contains(deployment);

        leader.process().kill(); // SIGKILL mid-deployment
        String newLeader = await().atMost(WAIT).ignoreExceptions().until(() -> leaderSeenBy(standby),
            l -> hostPort(standby.url()).equals(l));
        assertThat(newLeader).isEqualTo(hostPort(standby.url()));
        MarathonClient api = standby.api();
        Set<String> inFlight = await().atMost(WAIT).until(() -> {
          MarathonClient.Answer d = api.get("v2/deployments");
          return d.status() == 200 ? deploymentIds(d.json()) : null;
        }, d -> d != null);
        assertThat(inFlight).as("the new leader carries the deployment on").contains(deployment);

        Files.writeString(gate, "open\n");
        JsonNode six = await().atMost(WAIT).until(() -> api.app(SLEEPERS).orElseThrow(),
            x -> isSettled(x, 6) && !api.deploymentIds().contains(deployment));
        assertThat(watch.maxRunning()).as("never more than 6 at the master").isLessThanOrEqualTo(6);
        assertThat(watch.seen()).as("every task launched once: " + watch.seen()).hasSize(6);
        assertThat(watch.ended()).as("none lost").isEmpty();
        assertThat(ids(six)).containsAll(before).isEqualTo(watch.seen()).isEqualTo(new HashSet<>(watch.running()));
      }

      // Now an agent dies while a crash-looping app backs off on another host
      MarathonClient api = standby.api();
      try (MarathonEvents events = MarathonEvents.open(standby.url())) {
        CompletableFuture<List<Double>> crashGaps = CompletableFuture.supplyAsync(() -> crashLoopGaps(api, events));

        JsonNode placed = api.app(SLEEPERS).orElseThrow();
        String lostHost = tasks(placed).stream().map(t -> t.get("host").asText()).filter(h -> !h.equals("127.0.0.1"))
            .findFirst().orElseThrow();
        Set<String> lost = new HashSet<>();
        tasks(placed).stream().filter(t -> t.get("host").asText().equals(lostHost))
            .forEach(t -> lost.add(t.get("id").asText()));
        c.agentOn(lostHost).process().kill();

        // Replaced on the other hosts; the lost ones stay listed as unreachable, without health, until
        // their agent comes back (then they are killed)
        JsonNode replaced = await().atMost(WAIT).until(() -> api.app(SLEEPERS).orElseThrow(),
            x -> x.get("deployments").isEmpty() && x.get("tasksRunning").asInt() == 6
                && x.get("tasksHealthy").asInt() == 6 && running(x).size() == 6
                && running(x).stream().noneMatch(t -> t.get("host").asText().equals(lostHost)));
        assertThat(running(replaced).stream().map(t -> t.get("id").asText())).doesNotContainAnyElementsOf(lost);
        for (JsonNode t : tasks(replaced)) {
          if (!t.get("state").asText().equals("TASK_RUNNING")) {
            assertThat(lost).as("not running: " + t).contains(t.get("id").asText());
            assertThat(t.get("state").asText()).isEqualTo("TASK_UNREACHABLE");
            assertThat(t.has("healthCheckResults")).as("its health is unknown: " + t).isFalse();
          }
        }
        for (String id : lost) {
          assertThat(events.of("status_update_event", e -> id.equals(e.data().path("taskId").asText())).stream()
              .map(e -> e.data().get("taskStatus").asText()))
              .as("what the framework heard of " + id).containsAnyOf("TASK_UNREACHABLE", "TASK_LOST", "TASK_GONE");
        }

        List<Double> gaps = crashGaps.get(3, TimeUnit.MINUTES);
        System.out.println("crash loop: seconds from each failure to the next task's first update: " + gaps);
        double[] delays = {1, 2, 4, 8, 8};
        for (int k = 0; k < delays.length; k++) {
          assertThat(gaps.get(k)).as("launch delay after failure " + (k + 1) + " of " + gaps)
              .isBetween(delays[k] - 0.1, delays[k] + 3.0);
        }
      }
    }
  }

  /**
   * Creates the crash-looping app (on 127.0.0.1 only) and measures, for its first five failures, the
   * time from the failure to the next task's first status update, both as the services took them in
   * (the events' timestamps): the launch delay, and the moment the task took to start (short: the
   * agent's command executor of the last task is still there, or a JVM start when it is not).
   */
  private static List<Double> crashLoopGaps(MarathonClient api, MarathonEvents events) {
    MarathonClient.Answer created = api.post("v2/apps", """
        {"id": "/it/crash", "cmd": "exit 1", "cpus": 0.05, "mem": 32, "instances": 1,
         "constraints": [["hostname", "CLUSTER", "127.0.0.1"]],
         "backoffSeconds": 1, "backoffFactor": 2, "maxLaunchDelaySeconds": 8}""");
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    await().atMost(Duration.ofSeconds(150)).until(() -> failures(events).size() >= 5 && firstHeard(events).size() >= 6);
    assertThat(api.delete("v2/apps/it/crash").status()).isEqualTo(200);
    Map<String, Instant> failed = failures(events);
    List<Map.Entry<String, Instant>> launches = new ArrayList<>(firstHeard(events).entrySet());
    List<Double> gaps = new ArrayList<>();
    for (int k = 0; k < 5; k++) {
      Instant end = failed.get(launches.get(k).getKey());
      assertThat(end).as("task " + (k + 1) + " of " + launches + " failed: " + failed).isNotNull();
      gaps.add(Duration.between(end, launches.get(k + 1).getValue()).toMillis() / 1000.0);
    }
    return gaps;
  }

  /** The crash-looping app's tasks in the order they were first heard of, with that time. */
  private static Map<String, Instant> firstHeard(MarathonEvents events) {
    Map<String, Instant> out = new LinkedHashMap<>();
    for (MarathonEvents.Event e : events.of("status_update_event", e -> CRASH.equals(e.appId()))) {
      out.putIfAbsent(e.data().get("taskId").asText(), Instant.parse(e.data().get("timestamp").asText()));
    }
    return out;
  }

  /** The crash-looping app's tasks that failed, with the time the services took the failure in. */
  private static Map<String, Instant> failures(MarathonEvents events) {
    Map<String, Instant> out = new LinkedHashMap<>();
    for (MarathonEvents.Event e : events.of("status_update_event", e -> CRASH.equals(e.appId())
        && e.data().path("taskStatus").asText().equals("TASK_FAILED"))) {
      out.putIfAbsent(e.data().get("taskId").asText(), Instant.parse(e.data().get("timestamp").asText()));
    }
    return out;
  }

  private static Set<String> deploymentIds(JsonNode deployments) {
    Set<String> out = new HashSet<>();
    deployments.forEach(d -> out.add(d.get("id").asText()));
    return out;
  }

  private static String[] with(List<String> first, String... more) {
    List<String> all = new ArrayList<>(first);
    all.addAll(List.of(more));
    return all.toArray(String[]::new);
  }

  /** What {@code GET /v2/leader} of {@code s} answers; null while it knows no leader. */
  private static String leaderSeenBy(ServicesCluster.Services s) {
    MarathonClient.Answer a = s.api().get("v2/leader");
    return a.status() == 200 ? a.json().path("leader").asText(null) : null;
  }

  private static String hostPort(String url) {
    URI u = URI.create(url);
    return u.getHost() + ":" + u.getPort();
  }

}
