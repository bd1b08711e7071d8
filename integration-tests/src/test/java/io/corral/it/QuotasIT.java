package io.corral.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.corral.bridges.testkit.Http;
import io.corral.bridges.testkit.RecordingScheduler;
import io.corral.common.resources.Resources;
import io.corral.local.LocalCluster;
import io.corral.protocol.FrameworkInfo;
import io.corral.protocol.TaskState;
import io.corral.scheduler.CorralSchedulerDriver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

/** Quotas and weights end to end: real tasks, real masters on ZooKeeper, the CLI as a process. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class QuotasIT {
  private static final Resources TASK = Resources.parse("cpus:0.1;mem:32");
  private static final ObjectMapper JSON = new ObjectMapper();

  private record Running(RecordingScheduler scheduler, CorralSchedulerDriver driver) {
    int tasks() {
      return (int) scheduler.statuses.stream().filter(s -> s.getState() == TaskState.TASK_RUNNING)
          .map(s -> s.getTaskId()).distinct().count()
          - (int) scheduler.statuses.stream().filter(s -> s.getState() == TaskState.TASK_KILLED)
              .map(s -> s.getTaskId()).distinct().count();
    }
  }

  private static Running framework(String master, String name, String role) {
    RecordingScheduler s = new RecordingScheduler();
    s.onOffers(RecordingScheduler.oneTaskPerOffer(name + "-", TASK, "exec sleep 600"));
    CorralSchedulerDriver d = new CorralSchedulerDriver(s, FrameworkInfo.newBuilder().setName(name).setRole(role)
        .build(), master);
    d.start();
    return new Running(s, d);
  }

  /** What the master says a role holds (its and its sub-roles' tasks), in cpus. */
  private static double allocatedCpus(String http, String role) {
    for (JsonNode r : Http.json(http + "api/v1/roles").get("roles")) {
      if (r.get("name").asText().equals(role)) {
        return r.get("allocated").path("cpus").asDouble(0);
      }
    }
    return 0;
  }

  @Test
  void limitsHierarchyAndGuaranteesShapeWhatRolesGet(TestInfo info) throws Exception {
    Path dir = TestClusters.dir(info);
    try (LocalCluster cluster = TestClusters.inProcess(dir, 2, "cpus:2;mem:100000", m -> m.httpPort(0)).start()) {
      String master = cluster.masterAddress().toString();
      String http = cluster.master().httpUrl();

      // Limit: a role limited to 1 cpu never holds more than 1 cpu, though 4 are free.
      assertThat(Http.put(http + "api/v1/quota/capped", "{\"limit\": {\"cpus\": 1}}").status()).isEqualTo(200);
      Running capped = framework(master, "capped", "capped");
      await().atMost(Duration.ofSeconds(60)).until(capped::tasks, n -> n == 10);
      // Offers keep coming (of memory and what other agents have) for some allocation cycles: still 10.
      await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
          .until(() -> capped.tasks() == 10 && allocatedCpus(http, "capped") <= 1.0);
      capped.driver().stop();
      capped.driver().join();
      await().atMost(Duration.ofSeconds(30)).until(() -> allocatedCpus(http, "capped") == 0.0);

      // Hierarchy: eng/etl (weight 3) and eng/adhoc (weight 1) share eng's guarantee of 2 cpus 3:1, while a
      // role of weight 1000 takes all the rest.
      assertThat(Http.put(http + "api/v1/quota/eng", "{\"guarantee\": {\"cpus\": 2}}").status()).isEqualTo(200);
      assertThat(Http.put(http + "api/v1/weights", "{\"eng/etl\": 3, \"eng/adhoc\": 1, \"flood\": 1000}").status())
          .isEqualTo(200);
      Running flood = framework(master, "flood", "flood");
      Running etl = framework(master, "etl", "eng/etl");
      Running adhoc = framework(master, "adhoc", "eng/adhoc");
      await().atMost(Duration.ofSeconds(90)).until(() -> flood.tasks() + etl.tasks() + adhoc.tasks() == 40);
      assertThat(etl.tasks() + adhoc.tasks()).as("eng's guarantee, 2 cpus").isEqualTo(20);
      assertThat(etl.tasks()).as("etl:adhoc = %d:%d", etl.tasks(), adhoc.tasks()).isBetween(14, 16);
      assertThat(flood.tasks()).isEqualTo(20);

      // Guarantee: b (guarantee 1 cpu) gets what flood's ended tasks free, before flood (weight 1000) does.
      assertThat(Http.put(http + "api/v1/quota/b", "{\"guarantee\": {\"cpus\": 1}}").status()).isEqualTo(200);
      Running b = framework(master, "b", "b");
      List<String> floods = flood.scheduler().statuses.stream().filter(s -> s.getState() == TaskState.TASK_RUNNING)
          .map(s -> s.getTaskId()).distinct().limit(10).toList();
      floods.forEach(id -> flood.driver().killTask(id));
      await().atMost(Duration.ofSeconds(60)).until(b::tasks, n -> n == 10);
      await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() -> flood.tasks() == 10);
      for (Running r : List.of(flood, etl, adhoc, b)) {
        r.driver().stop();
        r.driver().join();
      }
    }
  }

  @Test
  void quotasAndWeightsSurviveTheLeadersDeathAndBadInputChangesNothing(TestInfo info) throws Exception {
    Path dir = TestClusters.dir(info);
    try (HaCluster c = HaCluster.start(dir, 3, 1, List.of("--http-port", "0"), List.of())) {
      HaCluster.MasterProcess first = c.awaitLeader(HaCluster.START);
      assertThat(cli(dir, c, "set", "quota", "set", "eng", "--guarantee", "cpus:1;mem:512", "--limit", "cpus:2")
          .exit()).isZero();
      assertThat(cli(dir, c, "weights", "weights", "set", "eng/etl=3,eng=2").exit()).isZero();
      String before = rolesJson(dir, c, "before");

      // Bad input, in parallel: each a one-line error and exit 2.
      String[][] bad = {
          {"quota", "set", "-eng", "--limit", "cpus:1"},
          {"quota", "set", "eng", "--limit", "cpus:-1"},
          {"quota", "set", "eng", "--limit", "cpus:many"},
          {"quota", "set", "eng", "--limit", "ports:[1-9]"},
          {"quota", "set", "eng", "--guarantee", "cpus:2", "--limit", "cpus:1"},
          {"quota", "set", "other", "--guarantee", "cpus:5"},
          {"weights", "set", "eng=-1"},
      };
      List<CompletableFuture<Cli>> runs = new ArrayList<>();
      for (int i = 0; i < bad.length; i++) {
        String[] args = bad[i];
        String name = "bad-" + i;
        runs.add(CompletableFuture.supplyAsync(() -> cli(dir, c, name, args)));
      }
      for (int i = 0; i < bad.length; i++) {
        Cli r = runs.get(i).join();
        assertThat(r.exit()).as(String.join(" ", bad[i]) + ": " + r.stderr()).isEqualTo(2);
        List<String> lines = r.stderr().lines().filter(l -> l.startsWith("corral ")).toList();
        assertThat(lines).as(String.join(" ", bad[i])).hasSize(1);
        assertThat(lines.get(0)).startsWith("corral " + bad[i][0] + " " + bad[i][1] + ": ");
      }
      assertThat(rolesJson(dir, c, "after-bad")).isEqualTo(before);

      first.process().kill();
      c.awaitLeaderOtherThan(first, Duration.ofSeconds(60));
      String[] after = new String[1];
      await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> {
        after[0] = rolesJson(dir, c, "after-" + System.nanoTime());
        return true;
      });
      JsonNode roles = JSON.readTree(after[0]);
      assertThat(settings(roles)).isEqualTo(settings(JSON.readTree(before)));
      assertThat(settings(roles)).containsEntry("eng", "2.0 {\"cpus\":1.0,\"mem\":512.0} {\"cpus\":2.0}")
          .containsEntry("eng/etl", "3.0 {} {}");
    }
  }

  /** Each role's weight, guarantee and limit: what must survive a failover. */
  private static Map<String, String> settings(JsonNode roles) {
    Map<String, String> out = new java.util.TreeMap<>();
    for (JsonNode r : roles) {
      out.put(r.get("name").asText(), r.get("weight").asDouble() + " " + r.get("guarantee") + " " + r.get("limit"));
    }
    return out;
  }

  private record Cli(int exit, String stdout, String stderr) {}

  private static Cli cli(Path dir, HaCluster c, String name, String... args) {
    try {
      Path log = dir.resolve("cli-" + name + ".log");
      String[] all = java.util.stream.Stream.concat(java.util.Arrays.stream(args), java.util.stream.Stream.of(
          "--master", c.zkUrl)).toArray(String[]::new);
      try (CorralProcess p = CorralProcess.start(log, all)) {
        int exit = p.awaitExit(Duration.ofSeconds(90));
        return new Cli(exit, String.join("\n", p.wholeStdout(Duration.ofSeconds(30))),
            Files.exists(log) ? Files.readString(log) : "");
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String rolesJson(Path dir, HaCluster c, String name) {
    Cli r = cli(dir, c, name, "roles", "--json");
    if (r.exit() != 0) {
      throw new IllegalStateException("corral roles --json: " + r.stderr());
    }
    return r.stdout();
  }
}
