package io.corral.master.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.corral.common.resources.Resources;
import io.corral.master.MasterConfig;
import io.corral.master.preemption.Notice;
import io.corral.master.preemption.NoticeStore;
import io.corral.master.registry.AgentRecord;
import io.corral.master.registry.InMemoryAgentRegistry;
import io.corral.master.roles.Quota;
import io.corral.protocol.AgentCall;
import io.corral.protocol.AgentEvent;
import io.corral.protocol.FrameworkInfo;
import io.corral.protocol.SchedulerCall;
import io.corral.protocol.SchedulerEvent;
import io.corral.protocol.Task;
import io.corral.protocol.TaskInfo;
import io.corral.protocol.TaskState;
import io.corral.protocol.TaskStatusReason;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Preemption with notice on the master's loop with a manual clock: a role below its guarantee gets
 * tasks of a role above its own, named to their framework with a deadline and killed then; early
 * releases, natural ends, re-subscriptions, a new leader and the switch off. Nothing waits in real time.
 */
class PreemptionTest {
  private static final Duration MS = Duration.ofMillis(1);
  private static final Duration GRACE = Duration.ofSeconds(10);
  private static final Duration TICK = Duration.ofSeconds(1); // the allocation interval

  private NoticeStore store = NoticeStore.inMemory();
  private ManualMaster master;
  private ManualMaster.Agent agent;
  private ManualMaster.Scheduler a;
  private ManualMaster.Scheduler b;

  private static MasterConfig config(boolean preemption) {
    return MasterConfig.builder().preemption(preemption).preemptionGrace(GRACE).allocationInterval(TICK)
        .offerTimeout(Duration.ofMinutes(10)).build();
  }

  /** A flooded cluster: framework a (role a) runs 4 one-cpu tasks on the only agent (the same launch time: by id, t3 is newest). */
  private void flooded(boolean preemption) {
    flooded(preemption, -1);
  }

  /** As {@link #flooded(boolean)}, task {@code schedulerTask} marked as a's own scheduler ({@code TaskInfo.scheduler_task}). */
  private void flooded(boolean preemption, int schedulerTask) {
    master = new ManualMaster(config(preemption), new InMemoryAgentRegistry());
    master.core.installNotices(store, List.of());
    master.recover(Map.of()).start();
    agent = master.agent("cpus:4;mem:4096");
    a = master.scheduler(framework("a", "a"));
    TaskInfo[] tasks = new TaskInfo[4];
    for (int i = 0; i < 4; i++) {
      tasks[i] = ManualMaster.task("t" + i, "cpus:1;mem:128").toBuilder().setSchedulerTask(i == schedulerTask).build();
    }
    a.launch(a.outstanding().get(0), tasks);
    for (int i = 0; i < 4; i++) {
      agent.update(a.id(), "t" + i, TaskState.TASK_RUNNING);
    }
    master.advance(TICK);
    assertThat(a.outstanding()).as("no cpu left").isEmpty();
  }

  private static FrameworkInfo framework(String name, String role) {
    return FrameworkInfo.newBuilder().setName(name).setRole(role).build();
  }

  private void guarantee(String role, String resources) {
    OperatorResult r = master.settled(() -> master.core.setQuota(role, new Quota(Resources.parse(resources),
        Resources.EMPTY), true));
    assertThat(r.message()).contains("guarantee");
  }

  private List<SchedulerEvent.PreemptionNotice> notices(ManualMaster.Scheduler s) {
    return s.out.all(SchedulerEvent::hasPreemptionNotice).stream().map(SchedulerEvent::getPreemptionNotice).toList();
  }

  private static List<String> tasksOf(SchedulerEvent.PreemptionNotice n) {
    return n.getTasksList().stream().map(SchedulerEvent.PreemptionNotice.Task::getTaskId).toList();
  }

  private List<AgentEvent.KillTask> kills() {
    return agent.out.all(AgentEvent::hasKillTask).stream().map(AgentEvent::getKillTask).toList();
  }

  private static double offeredCpus(ManualMaster.Scheduler s) {
    return s.outstanding().stream().mapToDouble(o -> Resources.fromProto(o.getResourcesList()).cpus()).sum();
  }

  private long preemptions(String role) {
    return master.query(v -> v.roles().stream().filter(r -> r.name().equals(role)).findFirst()
        .map(RoleSummary::preemptions).orElse(0L));
  }

  @Test
  void aRoleBelowItsGuaranteeGetsTheNewestSurplusTasksKilledAtTheDeadline() {
    flooded(true);
    guarantee("b", "cpus:2");
    b = master.scheduler(framework("b", "b"));
    Instant noticedAt = master.loop.now().plus(TICK);
    master.advance(TICK);

    assertThat(notices(a)).singleElement().satisfies(n -> {
      assertThat(tasksOf(n)).containsExactly("t3", "t2");
      assertThat(n.getRole()).isEqualTo("b");
      assertThat(n.getDeadlineSeconds()).isEqualTo(noticedAt.plus(GRACE).toEpochMilli() / 1000.0);
      assertThat(n.getMessage()).contains("role b is below its guarantee");
    });
    assertThat(notices(b)).isEmpty();

    master.advance(GRACE.minus(TICK).minus(MS));
    assertThat(kills()).isEmpty();
    master.advance(TICK.plus(MS)); // the deadline, and the allocation cycles after it choose nothing more
    assertThat(kills()).extracting(AgentEvent.KillTask::getTaskId).containsExactly("t3", "t2");
    assertThat(kills()).allSatisfy(k -> {
      assertThat(k.getReason()).isEqualTo(TaskStatusReason.REASON_PREEMPTED);
      assertThat(k.getMessage()).contains("role b");
    });
    assertThat(notices(a)).as("no second notice while the first is carried out").hasSize(1);

    agent.update(a.id(), "t3", TaskState.TASK_KILLED);
    agent.update(a.id(), "t2", TaskState.TASK_KILLED);
    master.advance(TICK);
    assertThat(offeredCpus(b)).as("b is offered its guarantee").isEqualTo(2.0);
    assertThat(preemptions("a")).isEqualTo(2);
    double reclaimed = master.query(v -> v.roles().stream().filter(r -> r.name().equals("a")).findFirst()
        .orElseThrow().reclaimed().cpus());
    assertThat(reclaimed).isEqualTo(2.0);

    master.advance(GRACE.multipliedBy(3));
    assertThat(kills()).as("nothing more is taken").hasSize(2);
  }

  @Test
  void aSchedulerTaskIsTakenOnlyAfterItsFrameworksOtherTasks() {
    flooded(true, 3);
    guarantee("b", "cpus:2");
    b = master.scheduler(framework("b", "b"));
    master.advance(TICK);
    assertThat(notices(a)).singleElement().satisfies(n -> assertThat(tasksOf(n))
        .as("t3 is newest but a's scheduler: the newest others go first").containsExactly("t2", "t1"));
  }

  @Test
  void aFrameworkIsToldOnlyOnceItsNoticeIsSaved() {
    java.util.concurrent.CompletableFuture<Void> saved = new java.util.concurrent.CompletableFuture<>();
    List<List<Notice>> saves = new ArrayList<>();
    store = new NoticeStore() {
      @Override
      public List<Notice> load() {
        return List.of();
      }

      @Override
      public java.util.concurrent.CompletableFuture<Void> save(List<Notice> notices) {
        saves.add(notices);
        return saved;
      }
    };
    flooded(true);
    guarantee("b", "cpus:1");
    b = master.scheduler(framework("b", "b"));
    master.advance(TICK);
    assertThat(saves).singleElement().satisfies(n -> assertThat(n).extracting(Notice::taskId).containsExactly("t3"));
    assertThat(notices(a)).as("not before it is saved").isEmpty();

    saved.complete(null);
    master.loop.runPending();
    assertThat(notices(a)).singleElement().satisfies(n -> assertThat(tasksOf(n)).containsExactly("t3"));
  }

  @Test
  void offersHeldOutsideTheRoleAreRescindedBeforeAnyTaskIsChosen() {
    flooded(true);
    ManualMaster.Agent second = master.agent("cpus:1;mem:1024");
    assertThat(a.outstanding()).as("a holds the new agent's cpu, unanswered").singleElement()
        .satisfies(o -> assertThat(o.getAgentId()).isEqualTo(second.id()));
    String held = a.outstanding().get(0).getId();
    guarantee("b", "cpus:2");
    b = master.scheduler(framework("b", "b"));
    master.advance(TICK);

    assertThat(a.rescinded()).contains(held);
    assertThat(notices(a)).as("the offer makes up one cpu; one task the other").singleElement()
        .satisfies(n -> assertThat(tasksOf(n)).containsExactly("t3"));
    master.advance(TICK);
    assertThat(offeredCpus(b)).as("b is offered the rescinded cpu first").isEqualTo(1.0);
  }

  @Test
  void aFrameworkThatReleasesItsTasksEarlyIsNotKilledAgain() {
    flooded(true);
    guarantee("b", "cpus:1");
    b = master.scheduler(framework("b", "b"));
    master.advance(TICK);
    assertThat(tasksOf(notices(a).get(0))).containsExactly("t3");

    a.call(SchedulerCall.newBuilder().setKill(SchedulerCall.Kill.newBuilder().setTaskId("t3").setAgentId(agent.id())));
    agent.update(a.id(), "t3", TaskState.TASK_KILLED);
    master.advance(TICK);
    assertThat(offeredCpus(b)).as("b is served before the deadline").isEqualTo(1.0);

    master.advance(GRACE);
    assertThat(kills()).as("only the framework's own kill").singleElement()
        .satisfies(k -> assertThat(k.getReason()).isEqualTo(TaskStatusReason.REASON_UNSPECIFIED));
    assertThat(preemptions("a")).as("a task killed under notice counts").isEqualTo(1);
  }

  @Test
  void tasksNoLongerNeededAtTheDeadlineAreLeftRunning() {
    flooded(true);
    guarantee("b", "cpus:2");
    b = master.scheduler(framework("b", "b"));
    master.advance(TICK);
    assertThat(tasksOf(notices(a).get(0))).containsExactly("t3", "t2");

    agent.update(a.id(), "t0", TaskState.TASK_FINISHED); // ends on its own: b gets its cpu
    master.advance(TICK);
    b.launch(b.outstanding().get(0), ManualMaster.task("b0", "cpus:1;mem:128"));
    master.advance(GRACE);

    assertThat(kills()).extracting(AgentEvent.KillTask::getTaskId).as("one cpu is still lacking").containsExactly("t3");
  }

  @Test
  void aFrameworkDisconnectedAtTheNoticeGetsItWhenItSubscribesAgainAndTheDeadlineStands() {
    flooded(true);
    a.hangUp();
    guarantee("b", "cpus:1");
    b = master.scheduler(framework("b", "b"));
    master.advance(TICK);
    Instant deadline = master.loop.now().plus(GRACE);
    assertThat(notices(a)).isEmpty();

    master.advance(Duration.ofSeconds(4));
    ManualMaster.Scheduler again = master.scheduler(framework("a", "a").toBuilder().setId(a.id()).build());
    assertThat(notices(again)).singleElement().satisfies(n -> {
      assertThat(tasksOf(n)).containsExactly("t3");
      assertThat(n.getDeadlineSeconds()).isEqualTo(deadline.toEpochMilli() / 1000.0);
    });

    master.advance(Duration.between(master.loop.now(), deadline));
    assertThat(kills()).extracting(AgentEvent.KillTask::getTaskId).containsExactly("t3");
  }

  @Test
  void withPreemptionOffNothingIsTaken() {
    flooded(false);
    guarantee("b", "cpus:2");
    b = master.scheduler(framework("b", "b"));
    master.advance(GRACE.multipliedBy(3));
    assertThat(notices(a)).isEmpty();
    assertThat(kills()).isEmpty();
  }

  @Test
  void aRoleWithoutDemandTakesNothing() {
    flooded(true);
    guarantee("b", "cpus:2");
    b = master.scheduler(framework("b", "b"));
    b.call(SchedulerCall.newBuilder().setSuppress(SchedulerCall.Suppress.getDefaultInstance()));
    master.advance(GRACE.multipliedBy(3));
    assertThat(notices(a)).isEmpty();
    assertThat(kills()).isEmpty();
  }

  @Test
  void aNewLeaderKillsTheTasksItsPredecessorNamedAtTheirDeadline() throws Exception {
    flooded(true);
    guarantee("b", "cpus:1");
    b = master.scheduler(framework("b", "b"));
    master.advance(TICK);
    Instant deadline = master.loop.now().plus(GRACE);
    List<Notice> saved = new ArrayList<>(store.load());
    assertThat(saved).singleElement().satisfies(n -> {
      assertThat(n.taskId()).isEqualTo("t3");
      assertThat(n.role()).isEqualTo("b");
      assertThat(n.deadline()).isEqualTo(deadline);
    });
    String agentId = agent.id();
    String fid = a.id();

    // The leader dies 3 s later; a new one (with its own clock at the same time) takes over.
    ManualMaster next = new ManualMaster(config(true), new InMemoryAgentRegistry());
    next.loop.advance(Duration.between(next.loop.now(), master.loop.now().plusSeconds(3)));
    next.core.installRoleSettings(new io.corral.master.roles.InMemoryRoleSettingsStore(),
        io.corral.master.roles.RoleSettings.EMPTY.withQuota("b", new Quota(Resources.parse("cpus:1"), Resources.EMPTY)));
    next.core.installNotices(store, saved);
    next.recover(Map.of(agentId, new AgentRecord(AgentRecord.State.ADMITTED, 0L, AgentRecord.NOT_DRAINED))).start();
    FrameworkInfo fa = framework("a", "a").toBuilder().setId(fid).build();
    AgentCall.Register.Builder reg = AgentCall.Register.newBuilder()
        .setAgentInfo(ManualMaster.agentInfo(agentId, "cpus:4;mem:4096")).addFrameworks(fa);
    for (int i = 0; i < 4; i++) {
      reg.addTasks(Task.newBuilder().setTaskId("t" + i).setFrameworkId(fid).setAgentId(agentId)
          .setState(TaskState.TASK_RUNNING).addAllResources(Resources.parse("cpus:1;mem:128").toProto()));
    }
    ManualMaster.Agent back = next.agent(reg.build());
    ManualMaster.Scheduler a2 = next.scheduler(fa);
    assertThat(a2.out.all(SchedulerEvent::hasPreemptionNotice)).singleElement()
        .satisfies(e -> assertThat(e.getPreemptionNotice().getDeadlineSeconds())
            .isEqualTo(deadline.toEpochMilli() / 1000.0));

    next.advance(Duration.between(next.loop.now(), deadline).minus(MS));
    assertThat(back.killed()).isEmpty();
    next.advance(MS);
    assertThat(back.out.all(AgentEvent::hasKillTask)).singleElement().satisfies(e -> {
      assertThat(e.getKillTask().getTaskId()).isEqualTo("t3");
      assertThat(e.getKillTask().getReason()).isEqualTo(TaskStatusReason.REASON_PREEMPTED);
    });
  }
}
