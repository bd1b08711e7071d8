package io.corral.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.corral.bridges.testkit.Http;
import io.corral.bridges.testkit.RecordingScheduler;
import io.corral.common.resources.Resources;
import io.corral.local.LocalCluster;
import io.corral.protocol.Filters;
import io.corral.protocol.FrameworkInfo;
import io.corral.protocol.Offer;
import io.corral.protocol.SchedulerEvent;
import io.corral.protocol.TaskState;
import io.corral.protocol.TaskStatus;
import io.corral.protocol.TaskStatusReason;
import io.corral.scheduler.CorralSchedulerDriver;
import io.corral.scheduler.SchedulerDriver;
import io.corral.scheduler.TaskInfos;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

/**
 * Preemption with notice end to end: real agents and tasks, a role that floods the pool, a role with a
 * guarantee that arrives; the example framework as a process of its own.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class PreemptionIT {
  private static final Resources TASK = Resources.parse("cpus:0.1;mem:32");
  private static final Duration GRACE = Duration.ofSeconds(3);
  private static final Duration INTERVAL = Duration.ofMillis(200);

  /** Launches one task of every offer that holds one, up to {@code most} in all, then suppresses its offers. */
  private static BiConsumer<SchedulerDriver, List<Offer>> launcher(String prefix, int most, String command) {
    AtomicInteger seq = new AtomicInteger();
    return (driver, offers) -> {
      for (Offer o : offers) {
        if (seq.get() < most && Resources.fromProto(o.getResourcesList()).contains(TASK)) {
          driver.launchTasks(List.of(o.getId()), List.of(TaskInfos.command(prefix + seq.incrementAndGet(), o, TASK,
              TaskInfos.shell(command))), Filters.newBuilder().setRefuseSeconds(0).build());
        } else {
          driver.declineOffer(o.getId(), Filters.newBuilder().setRefuseSeconds(1).build());
        }
      }
      if (seq.get() >= most) {
        driver.suppressOffers();
      }
    };
  }

  private record Running(RecordingScheduler scheduler, CorralSchedulerDriver driver) {
    Set<String> ids(TaskState state) {
      return scheduler.statuses.stream().filter(s -> s.getState() == state).map(TaskStatus::getTaskId)
          .collect(Collectors.toSet());
    }

    int running() {
      Set<String> up = ids(TaskState.TASK_RUNNING);
      scheduler.statuses.stream().filter(s -> io.corral.common.task.TaskStates.isTerminal(s.getState()))
          .forEach(s -> up.remove(s.getTaskId()));
      return up.size();
    }

    List<TaskStatus> preempted() {
      return scheduler.statuses.stream().filter(s -> s.getReason() == TaskStatusReason.REASON_PREEMPTED).toList();
    }

    void stop() throws InterruptedException {
      driver.stop();
      driver.join();
    }
  }

  private static Running framework(String master, String name, String role, int most, String command) {
    RecordingScheduler s = new RecordingScheduler();
    s.onOffers(launcher(name + "-", most, command));
    CorralSchedulerDriver d = new CorralSchedulerDriver(s, FrameworkInfo.newBuilder().setName(name).setRole(role)
        .build(), master);
    d.start();
    return new Running(s, d);
  }

  private static LocalCluster cluster(Path dir) throws Exception {
    return cluster(dir, true, GRACE);
  }

  private static LocalCluster cluster(Path dir, boolean preemption, Duration grace) throws Exception {
    return TestClusters.inProcess(dir, 2, "cpus:1;mem:100000")
        .masterConfig(m -> m.agentPingTimeout(Duration.ofSeconds(1)).allocationInterval(INTERVAL).httpPort(0)
            .preemption(preemption).preemptionGrace(grace))
        .start();
  }

  private static JsonNode role(String http, String name) {
    for (JsonNode r : Http.json(http + "api/v1/roles").get("roles")) {
      if (r.get("name").asText().equals(name)) {
        return r;
      }
    }
    return null;
  }

  /**
   * The case: a (guarantee 0.5 cpus) fills the pool of 2 cpus with long tasks; b (guarantee 1
   * cpu, half the pool) arrives and reaches its guarantee within the grace and a few allocation
   * intervals; a's surplus tasks end REASON_PREEMPTED after a notice naming them; a keeps its own.
   */
  @Test
  void aGuaranteedRoleArrivingInAFloodedPoolGetsItsGuaranteeFromTheSurplus(TestInfo info) throws Exception {
    try (LocalCluster cluster = cluster(TestClusters.dir(info))) {
      String master = cluster.masterAddress().toString();
      String http = cluster.master().httpUrl();
      assertThat(Http.put(http + "api/v1/quota/a", "{\"guarantee\": {\"cpus\": 0.5}}").status()).isEqualTo(200);
      Running a = framework(master, "a", "a", 20, "exec sleep 600");
      await().atMost(Duration.ofSeconds(60)).until(a::running, n -> n == 20);

      assertThat(Http.put(http + "api/v1/quota/b", "{\"guarantee\": {\"cpus\": 1}}").status()).isEqualTo(200);
      long start = System.nanoTime();
      Running b = framework(master, "b", "b", 10, "exec sleep 600");
      int[] fewestOfA = {20};
      await().atMost(GRACE.plusSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
        fewestOfA[0] = Math.min(fewestOfA[0], a.running());
        return b.running() == 10;
      });
      Duration took = Duration.ofNanos(System.nanoTime() - start);

      assertThat(took).as("b reached its guarantee after %s", took).isGreaterThanOrEqualTo(GRACE)
          .isLessThan(GRACE.plusSeconds(10));
      assertThat(fewestOfA[0]).as("a never below its guarantee of 5 tasks").isGreaterThanOrEqualTo(5);
      assertThat(a.preempted()).hasSize(10).allSatisfy(s -> {
        assertThat(s.getState()).isEqualTo(TaskState.TASK_KILLED);
        assertThat(s.getMessage()).contains("role b");
      });
      Set<String> noticed = a.scheduler().preemptionNotices.stream().flatMap(n -> n.getTasksList().stream())
          .map(SchedulerEvent.PreemptionNotice.Task::getTaskId).collect(Collectors.toSet());
      assertThat(noticed).as("every preempted task was named in a notice first")
          .containsAll(a.preempted().stream().map(TaskStatus::getTaskId).toList());
      assertThat(a.scheduler().preemptionNotices).allSatisfy(n -> assertThat(n.getRole()).isEqualTo("b"));
      await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() -> a.running() == 10);
      assertThat(b.preempted()).isEmpty();
      JsonNode roleA = role(http, "a");
      assertThat(roleA.get("preemptions").asLong()).isEqualTo(10);
      assertThat(Http.get(http + "metrics").body()).contains("corral_role_reclaimed_total{role=\"a\",resource=\"cpus\"} 1.0");
      a.stop();
      b.stop();
    }
  }

  /**
   * {@code corral example shell --role flood} fills the pool; a framework of a role with a guarantee
   * arrives: the shell's runs it loses are run again (no retry spent), all finish, and it prints
   * {@code preempted: <n>} before its final line.
   */
  @Test
  void theExampleShellRunsItsPreemptedTasksAgainAndSaysHowMany(TestInfo info) throws Exception {
    Path dir = TestClusters.dir(info);
    try (LocalCluster cluster = cluster(dir)) {
      String master = cluster.masterAddress().toString();
      String http = cluster.master().httpUrl();
      try (CorralProcess shell = CorralProcess.start(dir.resolve("shell.log"), "example", "shell", "--master", master,
          "--role", "flood", "--tasks", "20", "--cpus", "0.1", "--mem", "32", "--retries", "0", "--timeout", "3min",
          "--", "sleep 6")) {
        await().atMost(Duration.ofSeconds(60)).until(() -> {
          JsonNode r = role(http, "flood");
          return r != null && r.get("allocated").path("cpus").asDouble(0) >= 1.99;
        });
        assertThat(Http.put(http + "api/v1/quota/b", "{\"guarantee\": {\"cpus\": 1}}").status()).isEqualTo(200);
        Running b = framework(master, "b", "b", 10, "sleep 3");
        await().atMost(GRACE.plusSeconds(30)).until(() -> b.ids(TaskState.TASK_RUNNING).size() == 10);

        assertThat(shell.awaitExit(Duration.ofSeconds(120))).isZero();
        List<String> out = shell.wholeStdout(Duration.ofSeconds(10));
        assertThat(out).hasSizeGreaterThanOrEqualTo(2);
        assertThat(out.get(out.size() - 1)).isEqualTo("finished: 20/20");
        assertThat(out.get(out.size() - 2)).matches("preempted: ([1-9]|10)");
        b.stop();
      }
    }
  }

  /**
   * A framework that ends the tasks a notice names at once (it saved what it had to) lets the role in
   * need have them long before the deadline; nothing is killed at the deadline.
   */
  @Test
  void aFrameworkThatReleasesAtTheNoticeServesTheRoleBeforeTheDeadline(TestInfo info) throws Exception {
    Duration grace = Duration.ofSeconds(60);
    try (LocalCluster cluster = cluster(TestClusters.dir(info), true, grace)) {
      String master = cluster.masterAddress().toString();
      String http = cluster.master().httpUrl();
      RecordingScheduler polite = new RecordingScheduler() {
        @Override
        public void preemptionNotice(SchedulerDriver driver, SchedulerEvent.PreemptionNotice notice) {
          super.preemptionNotice(driver, notice);
          notice.getTasksList().forEach(t -> driver.killTask(t.getTaskId()));
        }
      };
      polite.onOffers(launcher("a-", 20, "exec sleep 600"));
      CorralSchedulerDriver d = new CorralSchedulerDriver(polite, FrameworkInfo.newBuilder().setName("a").setRole("a")
          .build(), master);
      d.start();
      Running a = new Running(polite, d);
      await().atMost(Duration.ofSeconds(60)).until(a::running, n -> n == 20);

      assertThat(Http.put(http + "api/v1/quota/b", "{\"guarantee\": {\"cpus\": 1}}").status()).isEqualTo(200);
      long start = System.nanoTime();
      Running b = framework(master, "b", "b", 10, "exec sleep 600");
      await().atMost(Duration.ofSeconds(30)).until(() -> b.running() == 10);
      Duration took = Duration.ofNanos(System.nanoTime() - start);

      assertThat(took).as("served %s after b arrived, the deadline %s after the notice", took, grace)
          .isLessThan(grace.dividedBy(2));
      assertThat(a.preempted()).as("released by a itself, not killed by the master").isEmpty();
      assertThat(a.ids(TaskState.TASK_KILLED)).hasSize(10);
      assertThat(role(http, "a").get("preemptions").asLong()).isEqualTo(10);
      a.stop();
      b.stop();
    }
  }

  /** With --preemption=false a role below its guarantee waits for what ends: nothing is noticed or killed. */
  @Test
  void withPreemptionOffAFloodedPoolIsLeftAlone(TestInfo info) throws Exception {
    try (LocalCluster cluster = cluster(TestClusters.dir(info), false, GRACE)) {
      String master = cluster.masterAddress().toString();
      String http = cluster.master().httpUrl();
      Running a = framework(master, "a", "a", 20, "exec sleep 600");
      await().atMost(Duration.ofSeconds(60)).until(a::running, n -> n == 20);
      assertThat(Http.put(http + "api/v1/quota/b", "{\"guarantee\": {\"cpus\": 1}}").status()).isEqualTo(200);
      Running b = framework(master, "b", "b", 10, "exec sleep 600");

      await().during(GRACE.plusSeconds(2)).atMost(GRACE.plusSeconds(10))
          .until(() -> a.running() == 20 && b.running() == 0);
      assertThat(a.scheduler().preemptionNotices).isEmpty();
      assertThat(role(http, "a").get("preemptions").asLong()).isZero();
      a.stop();
      b.stop();
    }
  }

  /**
   * Three masters on ZooKeeper; the leader is SIGKILLed just after its notice: the new leader kills the
   * tasks named at the deadline named (not sooner), the framework hears the notice again when it
   * re-subscribes, and the role gets its guarantee.
   */
  @Test
  void aLeaderKilledDuringAPreemptionLosesNothing(TestInfo info) throws Exception {
    Path dir = TestClusters.dir(info);
    try (HaCluster c = HaCluster.start(dir, 3, 1, List.of("--preemption-grace", "20s"), List.of())) {
      HaCluster.MasterProcess first = c.awaitLeader(HaCluster.START);
      Running a = framework(c.zkUrl, "a", "a", 20, "exec sleep 600");
      await().atMost(Duration.ofSeconds(60)).until(a::running, n -> n == 20);
      try (CorralProcess q = CorralProcess.start(dir.resolve("quota.log"), "quota", "set", "b", "--guarantee",
          "cpus:1", "--master", c.zkUrl)) {
        assertThat(q.awaitExit(Duration.ofSeconds(60))).isZero();
      }
      Running b = framework(c.zkUrl, "b", "b", 10, "exec sleep 600");
      await().atMost(Duration.ofSeconds(30)).until(() -> !a.scheduler().preemptionNotices.isEmpty());
      SchedulerEvent.PreemptionNotice notice = a.scheduler().preemptionNotices.get(0);
      Set<String> named = notice.getTasksList().stream().map(SchedulerEvent.PreemptionNotice.Task::getTaskId)
          .collect(Collectors.toSet());
      assertThat(named).hasSize(10);

      first.process().kill();
      c.awaitLeaderOtherThan(first, Duration.ofSeconds(60));
      await().atMost(Duration.ofSeconds(90)).until(() -> b.running() == 10);

      assertThat(a.preempted()).extracting(TaskStatus::getTaskId).containsExactlyInAnyOrderElementsOf(named);
      assertThat(a.preempted()).allSatisfy(s -> assertThat(s.getTimestamp())
          .as("killed at the deadline, not sooner").isGreaterThanOrEqualTo(notice.getDeadlineSeconds() - 0.5));
      assertThat(a.scheduler().preemptionNotices).as("told again by the new leader").hasSizeGreaterThanOrEqualTo(2)
          .allSatisfy(n -> assertThat(n.getDeadlineSeconds()).isEqualTo(notice.getDeadlineSeconds()));
      await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(10)).until(() -> a.running() == 10);
      a.stop();
      b.stop();
    }
  }
}
