package io.corral.master.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.corral.common.resources.Resources;
import io.corral.master.MasterConfig;
import io.corral.master.http.StateSnapshot;
import io.corral.protocol.AgentCall;
import io.corral.protocol.FrameworkInfo;
import io.corral.protocol.Offer;
import io.corral.protocol.Task;
import io.corral.protocol.TaskInfo;
import io.corral.protocol.TaskState;
import io.corral.protocol.TaskStatus;
import io.corral.protocol.TaskStatusReason;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The master's books of the frameworks' own schedulers run as tasks ({@code scheduler_task}): one per
 * framework, all of them within {@code --scheduler-task-share} of the cluster, the rest waiting for a
 * slot; on the master's loop with a manual clock.
 */
class SchedulerTasksTest {
  /** 8 cpus and 8192 MiB: a tenth is 0.8 cpus and 819.2 MiB. */
  private final ManualMaster master =
      ManualMaster.serving(MasterConfig.builder().schedulerTaskShare(0.1).build()).start();
  private final List<ManualMaster.Agent> agents = new ArrayList<>();

  SchedulerTasksTest() {
    for (int i = 0; i < 4; i++) {
      agents.add(master.agent("cpus:2;mem:2048"));
    }
  }

  @Test
  void schedulerTasksFillTheShareAndTheNextWaitsForOneToEnd() {
    ManualMaster.Scheduler a = subscribe("a");
    launch(a, am("am", "cpus:0.4;mem:256"));
    suppress(a);
    ManualMaster.Scheduler b = subscribe("b");
    launch(b, am("am", "cpus:0.4;mem:256"));
    suppress(b);
    assertThat(usage().running()).isEqualTo(2);
    assertThat(usage().share()).as("0.8 of 8 cpus").isEqualTo(0.1);

    ManualMaster.Scheduler c = subscribe("c");
    Offer offer = launch(c, am("am", "cpus:0.4;mem:256"), ManualMaster.task("work", "cpus:1;mem:512"));

    TaskStatus dropped = c.statuses("am").get(0);
    assertThat(dropped.getState()).isEqualTo(TaskState.TASK_DROPPED);
    assertThat(dropped.getReason()).isEqualTo(TaskStatusReason.REASON_SCHEDULER_TASK_SHARE);
    assertThat(dropped.getMessage()).isEqualTo("the scheduler tasks may hold 0.1 of the cluster "
        + "(--scheduler-task-share) and with this one would hold 1.2 of its 8 cpus (2 running): it waits for a "
        + "scheduler slot, launch it again once one ends");
    assertThat(c.statuses("work")).as("ordinary tasks are not held back").isEmpty();
    assertThat(master.core.metrics().tasksInvalid.get()).as("waiting is not invalid").isZero();
    assertThat(freeOrOffered(offer.getAgentId())).as("the AM's resources went back")
        .isEqualTo(Resources.parse("cpus:1;mem:1536"));
    assertThat(usage().running()).isEqualTo(2);

    agent(a, "am").update(a.id(), "am", TaskState.TASK_FINISHED);
    assertThat(usage().running()).isEqualTo(1);
    launch(c, am("am", "cpus:0.4;mem:256"));
    assertThat(c.statuses("am")).extracting(TaskStatus::getState).containsExactly(TaskState.TASK_DROPPED);
    assertThat(usage().running()).isEqualTo(2);
  }

  @Test
  void oneSchedulerTaskAlwaysRunsEvenIfItAloneExceedsTheShare() {
    ManualMaster.Scheduler big = subscribe("big");
    launch(big, am("am", "cpus:2;mem:2048"));
    suppress(big);
    assertThat(big.statuses("am")).isEmpty();
    assertThat(usage().share()).isEqualTo(0.25);

    ManualMaster.Scheduler small = subscribe("small");
    launch(small, am("am", "cpus:0.1;mem:32"));
    assertThat(small.statuses("am").get(0).getReason()).isEqualTo(TaskStatusReason.REASON_SCHEDULER_TASK_SHARE);
  }

  @Test
  void aFrameworkRunsOneSchedulerTaskAtATime() {
    ManualMaster.Scheduler fw = subscribe("fw");
    launch(fw, am("first", "cpus:0.1;mem:32"), am("twin", "cpus:0.1;mem:32"));
    assertThat(fw.statuses("first")).isEmpty();
    TaskStatus twin = fw.statuses("twin").get(0);
    assertThat(twin.getState()).isEqualTo(TaskState.TASK_ERROR);
    assertThat(twin.getReason()).isEqualTo(TaskStatusReason.REASON_TASK_INVALID);
    assertThat(twin.getMessage()).isEqualTo("framework " + fw.id() + " already runs scheduler task 'first': "
        + "a framework has at most one task with scheduler_task set until it ends");

    launch(fw, am("later", "cpus:0.1;mem:32"));
    assertThat(fw.statuses("later").get(0).getState()).isEqualTo(TaskState.TASK_ERROR);

    agent(fw, "first").update(fw.id(), "first", TaskState.TASK_FAILED);
    launch(fw, am("again", "cpus:0.1;mem:32"));
    assertThat(fw.statuses("again")).as("the first one ended").isEmpty();
  }

  @Test
  void theApiShowsTheFlagAndTheShare() {
    ManualMaster.Scheduler fw = subscribe("fw");
    launch(fw, am("am", "cpus:0.4;mem:1024"), ManualMaster.task("work", "cpus:1;mem:512"));

    StateSnapshot state = master.query(v -> StateSnapshot.capture(v, null, ManualMaster.START));
    assertThat(state.tasks()).extracting(StateSnapshot.TaskJson::id, StateSnapshot.TaskJson::schedulerTask)
        .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("am", true),
            org.assertj.core.groups.Tuple.tuple("work", false));
    StateSnapshot.SchedulerTasksJson s = state.cluster().schedulerTasks();
    assertThat(s.running()).isEqualTo(1);
    assertThat(s.resources()).containsEntry("cpus", 0.4).containsEntry("mem", 1024.0);
    assertThat(s.share()).as("an eighth of the memory").isEqualTo(0.125);
    assertThat(s.maxShare()).isEqualTo(0.1);
  }

  @Test
  void aSchedulerTaskFoundOnAReRegisteringAgentCountsForANewLeader() {
    ManualMaster leader = ManualMaster.serving(MasterConfig.builder().schedulerTaskShare(0.1).build());
    FrameworkInfo framework = ManualMaster.framework("old").toBuilder().setId("F-old").build();
    Task am = Task.newBuilder().setTaskId("am").setFrameworkId("F-old").setAgentId("A-old").setName("am")
        .setState(TaskState.TASK_RUNNING).setSchedulerTask(true)
        .addAllResources(Resources.parse("cpus:0.5;mem:256").toProto()).build();
    leader.agent(AgentCall.Register.newBuilder()
        .setAgentInfo(ManualMaster.agentInfo("A-old", "cpus:8;mem:8192")).addFrameworks(framework).addTasks(am)
        .build());

    MasterView.SchedulerTaskUsage usage = leader.query(MasterView::schedulerTasks);
    assertThat(usage.running()).isEqualTo(1);
    assertThat(usage.held()).isEqualTo(Resources.parse("cpus:0.5;mem:256"));
  }

  private ManualMaster.Scheduler subscribe(String name) {
    return master.scheduler(ManualMaster.framework(name));
  }

  /** Launches on the framework's first outstanding offer and declines its others for a second. */
  private Offer launch(ManualMaster.Scheduler fw, TaskInfo... tasks) {
    master.advance(java.time.Duration.ofSeconds(1)); // an allocation cycle
    List<Offer> outstanding = fw.outstanding();
    assertThat(outstanding).as("offers of " + fw.id()).isNotEmpty();
    Offer offer = outstanding.get(0);
    for (Offer other : outstanding.subList(1, outstanding.size())) {
      fw.decline(other, 1);
    }
    fw.launch(offer, tasks);
    return offer;
  }

  private static void suppress(ManualMaster.Scheduler fw) {
    fw.call(io.corral.protocol.SchedulerCall.newBuilder()
        .setSuppress(io.corral.protocol.SchedulerCall.Suppress.getDefaultInstance()));
  }

  private static TaskInfo am(String id, String resources) {
    return ManualMaster.task(id, resources).toBuilder().setSchedulerTask(true).build();
  }

  /** The agent the framework's task runs on. */
  private ManualMaster.Agent agent(ManualMaster.Scheduler fw, String taskId) {
    String agentId = master.query(v -> v.frameworkEntry(fw.id()).tasks().get(taskId).agentId());
    return agents.stream().filter(x -> x.id().equals(agentId)).findFirst().orElseThrow();
  }

  /** What no task holds on the agent: free, or in an offer. */
  private Resources freeOrOffered(String agentId) {
    return master.query(v -> {
      Resources r = v.freeOn(agentId);
      for (io.corral.master.state.OfferEntry o : v.offerEntries()) {
        if (o.agentId().equals(agentId)) {
          r = r.plus(o.resources().all());
        }
      }
      return r;
    });
  }

  private MasterView.SchedulerTaskUsage usage() {
    return master.query(MasterView::schedulerTasks);
  }
}
