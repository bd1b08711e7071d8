package io.corral.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.corral.bridges.testkit.RecordingScheduler;
import io.corral.common.net.Grpc;
import io.corral.common.net.HostPort;
import io.corral.common.resources.Resources;
import io.corral.protocol.FrameworkInfo;
import io.corral.protocol.Offer;
import io.corral.protocol.SchedulerCall;
import io.corral.protocol.SchedulerEvent;
import io.corral.protocol.SchedulerServiceGrpc;
import io.corral.protocol.TaskInfo;
import io.corral.protocol.TaskState;
import io.corral.protocol.TaskStatus;
import io.corral.scheduler.CorralSchedulerDriver;
import io.corral.scheduler.TaskInfos;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

/** Masters fail over with real processes and a real ZooKeeper; no task is lost. */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class MasterFailoverIT {
  private static final Resources TASK = Resources.parse("cpus:0.1;mem:32");

  @Test
  void killingTheLeaderFailsOverWithoutLosingATask(TestInfo info) throws Exception {
    Path dir = TestClusters.dir(info);
    Path go = dir.resolve("go");
    try (HaCluster c = HaCluster.start(dir, 3, 3, List.of("--agent-reregister-timeout", "60s"), List.of())) {
      HaCluster.MasterProcess first = c.awaitLeader(HaCluster.START);
      RecordingScheduler s = new RecordingScheduler();
      CorralSchedulerDriver driver = new CorralSchedulerDriver(s,
          FrameworkInfo.newBuilder().setName("survivor").setFailoverTimeout(300).build(), c.zkUrl);
      driver.start();
      List<String> ids = new ArrayList<>();
      while (ids.size() < 30) {
        Offer o = s.nextOffer();
        List<TaskInfo> batch = new ArrayList<>();
        for (int i = 0; i < 10 && ids.size() < 30; i++) {
          String id = "long-" + ids.size();
          ids.add(id);
          batch.add(TaskInfos.command(id, o, TASK, TaskInfos.shell("while [ ! -e " + go + " ]; do sleep 0.1; done")));
        }
        driver.launchTasks(List.of(o.getId()), batch);
      }
      for (String id : ids) {
        s.awaitState(id, TaskState.TASK_RUNNING, Duration.ofSeconds(90));
      }

      long killedAt = System.nanoTime();
      first.process().kill();
      HaCluster.MasterProcess next = c.awaitLeaderOtherThan(first, Duration.ofSeconds(60));
      double elected = (System.nanoTime() - killedAt) / 1e9;
      assertThat(next.index()).isNotEqualTo(first.index());
      for (int i = 0; i < 3; i++) {
        int agent = i;
        await().atMost(Duration.ofSeconds(60)).until(() -> c.registrations(agent, next.address()) >= 1);
      }
      double agentsBack = (System.nanoTime() - killedAt) / 1e9;
      await().atMost(Duration.ofSeconds(60)).until(() -> s.registrations.contains("reregistered"));
      double frameworkBack = (System.nanoTime() - killedAt) / 1e9;
      System.out.printf("failover after SIGKILL of the leader: new leader %.2f s, all agents back %.2f s, "
          + "framework back %.2f s (ZooKeeper session timeout %s)%n", elected, agentsBack, frameworkBack,
          HaCluster.SESSION_TIMEOUT);

      // Nothing was killed or lost, and the new leader knows every task as running.
      assertThat(s.statuses).noneMatch(st -> ids.contains(st.getTaskId())
          && st.getState() != TaskState.TASK_RUNNING && st.getState() != TaskState.TASK_STARTING);
      // Explicit reconciliation with the new leader: RUNNING for each of them, UNKNOWN for a made-up id.
      int mark = s.statuses.size();
      List<String> asked = new ArrayList<>(ids);
      asked.add("made-up");
      driver.reconcileTasks(asked.stream().map(id -> TaskStatus.newBuilder().setTaskId(id).build()).toList());
      // Only the answers: other updates may come in between.
      java.util.function.Supplier<List<TaskStatus>> answered = () -> s.statuses.subList(mark, s.statuses.size())
          .stream().filter(st -> st.getReason() == io.corral.protocol.TaskStatusReason.REASON_RECONCILIATION)
          .toList();
      await().atMost(Duration.ofSeconds(60)).until(() -> answered.get().size() >= 31);
      List<TaskStatus> answers = answered.get();
      assertThat(answers).filteredOn(st -> ids.contains(st.getTaskId())).hasSize(30)
          .allSatisfy(st -> assertThat(st.getState()).isEqualTo(TaskState.TASK_RUNNING));
      assertThat(answers).filteredOn(st -> st.getTaskId().equals("made-up")).singleElement()
          .satisfies(st -> assertThat(st.getState()).isEqualTo(TaskState.TASK_UNKNOWN));

      // The new leader launches new work, and the old tasks finish with their updates delivered.
      Offer fresh = s.nextOffer(o -> o.getId().startsWith(offerPrefix(s, next)));
      driver.launchTasks(List.of(fresh.getId()), List.of(TaskInfos.command("after", fresh, TASK, TaskInfos.shell("true"))));
      s.awaitState("after", TaskState.TASK_FINISHED, Duration.ofSeconds(60));
      Files.createFile(go);
      for (String id : ids) {
        s.awaitState(id, TaskState.TASK_FINISHED, Duration.ofSeconds(60));
      }
      driver.stop();
      driver.join();
    }
  }

  /** Offers of the master now leading (their ids start with its master id): the newest offer's prefix. */
  private static String offerPrefix(RecordingScheduler s, HaCluster.MasterProcess leader) {
    await().atMost(Duration.ofSeconds(60)).until(() -> !s.offerLog.isEmpty()
        && s.registrations.contains("reregistered"));
    Offer last = s.offerLog.get(s.offerLog.size() - 1).getValue();
    return last.getId().substring(0, last.getId().lastIndexOf("-O"));
  }

  @Test
  void aFrozenLeaderLosesItsSessionExitsWithItsCodeAndMakesNoOfferMeanwhile(TestInfo info) throws Exception {
    Path dir = TestClusters.dir(info);
    try (HaCluster c = HaCluster.start(dir, 2, 1, List.of("--offer-timeout", "60s"), List.of())) {
      HaCluster.MasterProcess old = c.awaitLeader(HaCluster.START);
      // A raw scheduler stream pinned to the old leader: whatever it sends after the freeze, we see.
      ManagedChannel channel = Grpc.channel(HostPort.parse(old.address()), 16 << 20);
      List<Long> offersAt = new java.util.concurrent.CopyOnWriteArrayList<>();
      StreamObserver<SchedulerCall> out = SchedulerServiceGrpc.newStub(channel).subscribe(new StreamObserver<>() {
        @Override
        public void onNext(SchedulerEvent e) {
          if (e.hasOffers()) {
            offersAt.add(System.nanoTime());
          }
        }

        @Override
        public void onError(Throwable t) { }

        @Override
        public void onCompleted() { }
      });
      out.onNext(SchedulerCall.newBuilder().setSubscribe(SchedulerCall.Subscribe.newBuilder()
          .setFrameworkInfo(FrameworkInfo.newBuilder().setName("pinned"))).build());
      await().atMost(Duration.ofSeconds(60)).until(() -> !offersAt.isEmpty());
      // It holds that offer; the agent has more to offer later (the offer timeout is long).

      old.process().signal("STOP");
      HaCluster.MasterProcess next = c.awaitLeaderOtherThan(old, Duration.ofSeconds(60));
      long electedAt = System.nanoTime();
      assertThat(next.index()).isNotEqualTo(old.index());
      await().atMost(Duration.ofSeconds(60)).until(() -> c.registrations(0, next.address()) >= 1);

      old.process().signal("CONT");
      int code = old.process().awaitExit(Duration.ofSeconds(60));
      assertThat(code).as("exit code of a master whose ZooKeeper session expired").isEqualTo(3);
      assertThat(offersAt).as("offers the old leader sent after the new one was elected")
          .noneMatch(t -> t > electedAt);
      Grpc.shutdown(channel);
    }
  }
}
