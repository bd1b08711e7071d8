package io.corral.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.corral.bridges.testkit.Http;
import io.corral.bridges.testkit.RecordingScheduler;
import io.corral.common.resources.Resources;
import io.corral.protocol.Filters;
import io.corral.protocol.FrameworkInfo;
import io.corral.protocol.TaskState;
import io.corral.scheduler.CorralSchedulerDriver;
import io.corral.scheduler.SchedulerDriver;
import io.corral.scheduler.TaskInfos;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

/**
 * A framework of two roles (Mesos' MULTI_ROLE) on a master and two agent processes: offers for each
 * role, tasks charged to their offer's role, one role suppressed while the other keeps its offers, and
 * an update that drops a role while its task runs on in it.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class MultiRoleIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final List<String> AGENT = List.of("--resources", "cpus:2;mem:1024;disk:1024;ports:[31000-31009]");
  private static final Resources TASK = Resources.parse("cpus:0.5;mem:64");
  private static final Filters BRIEFLY = Filters.newBuilder().setRefuseSeconds(0.3).build();

  /** Launches one task per role on its first offer for that role ("in-a", "in-b"); declines the rest briefly. */
  private static final class TwoRoles extends RecordingScheduler {
    final Set<String> launched = ConcurrentHashMap.newKeySet();
    /** How many offers had been received when each error arrived (errors come in order with offers). */
    final List<Integer> offersAtError = new java.util.concurrent.CopyOnWriteArrayList<>();

    TwoRoles() {
      onOffers((driver, offers) -> offers.forEach(o -> {
        String role = o.getAllocationRole();
        if (Resources.fromProto(o.getResourcesList()).contains(TASK) && launched.add(role)) {
          driver.launchTasks(List.of(o.getId()), List.of(TaskInfos.command("in-" + role, o, TASK,
              TaskInfos.shell("exec sleep 600"))), BRIEFLY);
        } else {
          driver.declineOffer(o.getId(), BRIEFLY);
        }
      }));
    }

    @Override
    public void error(SchedulerDriver driver, String message) {
      offersAtError.add(offerLog.size());
      super.error(driver, message);
    }

    /** The roles of the offers received, in order, from the {@code from}-th on. */
    List<String> rolesFrom(int from) {
      List<String> out = new ArrayList<>();
      for (int i = from; i < offerLog.size(); i++) {
        out.add(offerLog.get(i).getValue().getAllocationRole());
      }
      return out;
    }
  }

  @Test
  void offersPerRoleTasksInTheirRoleSuppressOneRoleAndDropItWhileItsTaskRuns(TestInfo info) throws Exception {
    Path dir = TestClusters.dir(info);
    try (HaCluster c = HaCluster.start(dir, 1, 0, List.of(), List.of())) {
      c.startAgent(0, AGENT);
      c.startAgent(1, AGENT);
      String http = c.awaitLeader(HaCluster.START).httpUrl();
      TwoRoles s = new TwoRoles();
      CorralSchedulerDriver driver = new CorralSchedulerDriver(s, FrameworkInfo.newBuilder().setName("multi")
          .addRoles("a").addRoles("b").setFailoverTimeout(300).build(), c.zkUrl);
      driver.start();
      s.awaitRegistered();
      assertThat(driver.roles()).containsExactly("a", "b");

      // Offers for each role; each task runs in the role of its offer, in the state and in the roles.
      s.awaitState("in-a", TaskState.TASK_RUNNING);
      s.awaitState("in-b", TaskState.TASK_RUNNING);
      assertThat(s.rolesFrom(0)).contains("a", "b").containsOnly("a", "b");
      assertThat(taskRoles(http)).containsEntry("in-a", "a").containsEntry("in-b", "b");
      JsonNode fw = Http.json(http + "api/v1/state?tasks=false").get("frameworks").get(0);
      assertThat(strings(fw.get("roles"))).containsExactly("a", "b");
      await().atMost(WAIT).until(() -> cpus(http, "a") == 0.5 && cpus(http, "b") == 0.5);
      assertThat(role(http, "a").get("frameworks").asInt()).isEqualTo(1);
      assertThat(role(http, "b").get("frameworks").asInt()).isEqualTo(1);

      // Suppressing a: after the master has taken it (the error of a suppress of a role the framework is
      // not in comes after it, in order with the offers), offers come for b only.
      driver.suppressOffers(List.of("a"));
      driver.suppressOffers(List.of("not-mine"));
      await().atMost(WAIT).until(() -> !s.offersAtError.isEmpty());
      assertThat(s.errors).singleElement().satisfies(e -> assertThat(e).contains("is not in role not-mine"));
      int mark = s.offersAtError.get(0);
      await().atMost(WAIT).until(() -> s.rolesFrom(mark).stream().filter("b"::equals).count() >= 4);
      assertThat(s.rolesFrom(mark)).containsOnly("b");
      assertThat(strings(Http.json(http + "api/v1/state?tasks=false").get("frameworks").get(0)
          .get("suppressed_roles"))).containsExactly("a");

      // Dropping a through an update: a's task runs on in a, counted there; the framework is in b alone.
      driver.updateFramework(FrameworkInfo.newBuilder().setName("multi").addRoles("b").setFailoverTimeout(300)
          .build(), List.of());
      await().atMost(WAIT).until(() -> strings(Http.json(http + "api/v1/state?tasks=false").get("frameworks").get(0)
          .get("roles")).equals(List.of("b")));
      assertThat(driver.roles()).containsExactly("b");
      assertThat(taskRoles(http)).containsEntry("in-a", "a");
      assertThat(s.latest("in-a", TaskState.TASK_RUNNING)).isPresent();
      assertThat(s.statesOf("in-a")).doesNotContain(TaskState.TASK_KILLED, TaskState.TASK_FAILED);
      assertThat(cpus(http, "a")).isEqualTo(0.5);
      assertThat(role(http, "a").get("frameworks").asInt()).isZero();
      assertThat(s.errors).hasSize(1);

      driver.stop();
      driver.join();
    }
  }

  /** Each live task's role in {@code /api/v1/state}, by task id. */
  private static java.util.Map<String, String> taskRoles(String http) {
    java.util.Map<String, String> out = new java.util.TreeMap<>();
    for (JsonNode t : Http.json(http + "api/v1/state").get("tasks")) {
      out.put(t.get("id").asText(), t.path("role").asText());
    }
    return out;
  }

  private static JsonNode role(String http, String name) {
    for (JsonNode r : Http.json(http + "api/v1/roles").get("roles")) {
      if (r.get("name").asText().equals(name)) {
        return r;
      }
    }
    throw new AssertionError("no role " + name + " in /api/v1/roles");
  }

  /** What the master says a role's tasks hold, in cpus. */
  private static double cpus(String http, String name) {
    return role(http, name).get("allocated").path("cpus").asDouble(0);
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }
}
