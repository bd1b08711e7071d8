package io.corral.master.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.corral.common.resources.Resources;
import io.corral.master.MasterConfig;
import io.corral.master.registry.AgentRecord;
import io.corral.protocol.AgentCall;
import io.corral.protocol.Offer;
import io.corral.protocol.SchedulerEvent;
import io.corral.protocol.TaskState;
import io.corral.protocol.TaskStatus;
import io.corral.protocol.TaskStatusReason;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The master tells its schedulers the largest agent (per resource, the most any one registered
 * agent has) when they subscribe and whenever it changes, and refuses a launch that no agent
 * could ever run with that reason.
 */
class LargestAgentTest {

  @Test
  void subscribersHearTheLargestAgentAsAgentsRegisterAndOnlyWhenItChanges() {
    ManualMaster master = ManualMaster.serving();
    ManualMaster.Scheduler first = master.scheduler(ManualMaster.framework("first"));
    assertThat(first.out.first(SchedulerEvent::hasSubscribed).getSubscribed().getLargestAgentList())
        .as("no agent yet: unknown").isEmpty();

    master.agent("cpus:1;mem:512");
    assertThat(largest(first, 1)).isEqualTo(Resources.parse("cpus:1;mem:512"));
    master.agent("cpus:0.5;mem:2048;gpus:1");
    assertThat(largest(first, 2)).isEqualTo(Resources.parse("cpus:1;mem:2048;gpus:1"));
    master.agent("cpus:0.25;mem:256");

    ManualMaster.Scheduler second = master.scheduler(ManualMaster.framework("second"));
    assertThat(Resources.fromProto(second.out.first(SchedulerEvent::hasSubscribed).getSubscribed()
        .getLargestAgentList())).isEqualTo(Resources.parse("cpus:1;mem:2048;gpus:1"));
    assertThat(first.out.all(SchedulerEvent::hasLargestAgent)).as("a smaller agent changes nothing").hasSize(2);
  }

  @Test
  void aTaskNoAgentCouldEverRunIsAnErrorNamingTheLargestAgent() {
    ManualMaster master = ManualMaster.serving();
    master.agent("cpus:1;mem:512");
    master.agent("cpus:0.5;mem:1024");
    ManualMaster.Scheduler fw = master.scheduler(ManualMaster.framework("too-big"));
    Offer offer = fw.offers().stream().filter(o -> Resources.fromProto(o.getResourcesList()).cpus() == 1.0)
        .findFirst().orElseThrow();

    fw.launch(offer, ManualMaster.task("huge", "cpus:1;mem:2048"), ManualMaster.task("greedy", "cpus:1;mem:1000"));

    TaskStatus huge = fw.statuses("huge").get(0);
    assertThat(huge.getState()).isEqualTo(TaskState.TASK_ERROR);
    assertThat(huge.getReason()).isEqualTo(TaskStatusReason.REASON_EXCEEDS_LARGEST_AGENT);
    assertThat(huge.getMessage()).isEqualTo(
        "no agent of the cluster can ever run this task: it needs cpus:1;mem:2048 and the largest agent has cpus:1;mem:1024");
    TaskStatus greedy = fw.statuses("greedy").get(0);
    assertThat(greedy.getReason()).as("fits an agent, not this offer").isEqualTo(TaskStatusReason.REASON_TASK_INVALID);
    assertThat(greedy.getMessage()).startsWith("resources exceed the offer");
  }

  @Test
  void aRemovedAgentNoLongerCounts() {
    ManualMaster master = ManualMaster.serving(MasterConfig.builder().agentPingTimeout(Duration.ofSeconds(1))
        .maxAgentPingTimeouts(1).agentGoneTimeout(Duration.ofSeconds(4)).build()).start();
    ManualMaster.Scheduler fw = master.scheduler(ManualMaster.framework("watcher"));
    master.agent("cpus:1;mem:512");
    master.agent("cpus:8;mem:8192");
    assertThat(largest(fw, 2)).isEqualTo(Resources.parse("cpus:8;mem:8192"));

    // Neither agent answers pings: both become unreachable (still counted) after 2 s, then gone 4 s later.
    master.advance(Duration.ofSeconds(2));
    assertThat(master.agents()).extracting(MasterView.AgentSummary::status).containsOnly("UNREACHABLE");
    assertThat(fw.out.all(SchedulerEvent::hasLargestAgent)).hasSize(2);

    master.advance(Duration.ofSeconds(4));
    assertThat(fw.out.all(SchedulerEvent::hasLargestAgent).get(2).getLargestAgent().getResourcesList()).isEmpty();
    assertThat(master.agents()).isEmpty();
  }

  @Test
  void unknownWhileANewLeaderStillExpectsAgentsOfItsRegistryBack() {
    String expected = "20250101-000000-abcd-B1";
    ManualMaster master = new ManualMaster(MasterConfig.builder().build())
        .recover(Map.of(expected, new AgentRecord(AgentRecord.State.ADMITTED, 0L)));
    master.agent("cpus:1;mem:512");
    ManualMaster.Scheduler fw = master.scheduler(ManualMaster.framework("early"));
    assertThat(fw.out.first(SchedulerEvent::hasSubscribed).getSubscribed().getLargestAgentList())
        .as("a small agent came back first; a bigger one may follow").isEmpty();

    master.agent(AgentCall.Register.newBuilder().setAgentInfo(ManualMaster.agentInfo(expected, "cpus:4;mem:256"))
        .build());
    assertThat(largest(fw, 1)).isEqualTo(Resources.parse("cpus:4;mem:512"));
  }

  /** The {@code n}-th LargestAgent event a framework got (1-based). */
  private static Resources largest(ManualMaster.Scheduler fw, int n) {
    List<SchedulerEvent> events = fw.out.all(SchedulerEvent::hasLargestAgent);
    assertThat(events).hasSizeGreaterThanOrEqualTo(n);
    return Resources.fromProto(events.get(n - 1).getLargestAgent().getResourcesList());
  }
}
