package io.corral.master.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.corral.common.loop.EventLoop;
import io.corral.common.net.StreamConnection;
import io.corral.common.resources.Resources;
import io.corral.master.MasterConfig;
import io.corral.master.allocator.DrfAllocator;
import io.corral.master.registry.AgentRecord;
import io.corral.master.registry.InMemoryAgentRegistry;
import io.corral.protocol.AgentCall;
import io.corral.protocol.AgentEvent;
import io.corral.protocol.AgentInfo;
import io.corral.protocol.CommandInfo;
import io.corral.protocol.FrameworkInfo;
import io.corral.protocol.MasterInfo;
import io.corral.protocol.Offer;
import io.corral.protocol.SchedulerCall;
import io.corral.protocol.SchedulerEvent;
import io.corral.protocol.TaskInfo;
import io.corral.protocol.TaskState;
import io.corral.protocol.TaskStatus;
import io.corral.protocol.TaskStatusReason;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The master tells its schedulers the largest agent (per resource, the most any one registered
 * agent has) when they subscribe and whenever it changes, and refuses a launch that no agent
 * could ever run with that reason.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LargestAgentTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  private final EventLoop loop = EventLoop.threaded("test-master");

  @AfterEach
  void close() {
    loop.close();
  }

  @Test
  void subscribersHearTheLargestAgentAsAgentsRegisterAndOnlyWhenItChanges() {
    MasterCore core = StandaloneCores.serving(loop);
    FakeStream<SchedulerEvent> first = new FakeStream<>();
    subscribe(core, first, "first");
    assertThat(first.await(SchedulerEvent::hasSubscribed, WAIT).getSubscribed().getLargestAgentList())
        .as("no agent yet: unknown").isEmpty();

    register(core, new FakeStream<>(), "", "cpus:1;mem:512");
    assertThat(awaitLargest(first, 1)).isEqualTo(Resources.parse("cpus:1;mem:512"));
    register(core, new FakeStream<>(), "", "cpus:0.5;mem:2048;gpus:1");
    assertThat(awaitLargest(first, 2)).isEqualTo(Resources.parse("cpus:1;mem:2048;gpus:1"));
    register(core, new FakeStream<>(), "", "cpus:0.25;mem:256");

    FakeStream<SchedulerEvent> second = new FakeStream<>();
    subscribe(core, second, "second");
    assertThat(Resources.fromProto(second.await(SchedulerEvent::hasSubscribed, WAIT).getSubscribed()
        .getLargestAgentList())).isEqualTo(Resources.parse("cpus:1;mem:2048;gpus:1"));
    assertThat(first.sent.stream().filter(SchedulerEvent::hasLargestAgent)).as("a smaller agent changes nothing")
        .hasSize(2);
  }

  @Test
  void aTaskNoAgentCouldEverRunIsAnErrorNamingTheLargestAgent() {
    MasterCore core = StandaloneCores.serving(loop);
    register(core, new FakeStream<>(), "", "cpus:1;mem:512");
    register(core, new FakeStream<>(), "", "cpus:0.5;mem:1024");
    FakeStream<SchedulerEvent> fw = new FakeStream<>();
    StreamConnection<SchedulerEvent> conn = subscribe(core, fw, "too-big");
    fw.await(e -> offerOfOneCpu(fw) != null, WAIT);
    Offer offer = offerOfOneCpu(fw);

    core.onSchedulerCall(conn, SchedulerCall.newBuilder().setAccept(SchedulerCall.Accept.newBuilder()
        .addOfferIds(offer.getId())
        .addTasks(task("huge", "cpus:1;mem:2048"))
        .addTasks(task("greedy", "cpus:1;mem:1000"))).build());

    List<TaskStatus> statuses = fw.await(SchedulerEvent::hasUpdate, WAIT).getUpdate().getStatusesList();
    TaskStatus huge = statuses.stream().filter(s -> s.getTaskId().equals("huge")).findFirst().orElseThrow();
    assertThat(huge.getState()).isEqualTo(TaskState.TASK_ERROR);
    assertThat(huge.getReason()).isEqualTo(TaskStatusReason.REASON_EXCEEDS_LARGEST_AGENT);
    assertThat(huge.getMessage()).isEqualTo(
        "no agent of the cluster can ever run this task: it needs cpus:1;mem:2048 and the largest agent has cpus:1;mem:1024");
    TaskStatus greedy = statuses.stream().filter(s -> s.getTaskId().equals("greedy")).findFirst().orElseThrow();
    assertThat(greedy.getReason()).as("fits an agent, not this offer").isEqualTo(TaskStatusReason.REASON_TASK_INVALID);
    assertThat(greedy.getMessage()).startsWith("resources exceed the offer");
  }

  @Test
  void aRemovedAgentNoLongerCounts() {
    MasterCore core = new MasterCore(MasterConfig.builder().agentPingTimeout(Duration.ofMillis(100))
        .maxAgentPingTimeouts(1).agentGoneTimeout(Duration.ofMillis(400)).build(), master(), loop,
        Clock.systemUTC(), new DrfAllocator(new Random(1)), new InMemoryAgentRegistry(), () -> true);
    core.recover(Map.of(), () -> { });
    core.start();
    FakeStream<SchedulerEvent> fw = new FakeStream<>();
    subscribe(core, fw, "watcher");
    register(core, new FakeStream<>(), "", "cpus:1;mem:512");
    FakeStream<AgentEvent> big = new FakeStream<>();
    register(core, big, "", "cpus:8;mem:8192");
    assertThat(awaitLargest(fw, 2)).isEqualTo(Resources.parse("cpus:8;mem:8192"));

    // Neither agent answers pings: both become unreachable (still counted), then gone.
    fw.await(e -> e.hasLargestAgent() && e.getLargestAgent().getResourcesCount() == 0, WAIT);
    assertThat(core.query(v -> v.agentEntries().size()).join()).isZero();
  }

  @Test
  void unknownWhileANewLeaderStillExpectsAgentsOfItsRegistryBack() {
    MasterCore core = new MasterCore(MasterConfig.builder().build(), master(), loop, Clock.systemUTC(),
        new DrfAllocator(new Random(1)), new InMemoryAgentRegistry(), () -> true);
    String expected = "20250101-000000-abcd-B1";
    core.recover(Map.of(expected, new AgentRecord(AgentRecord.State.ADMITTED, 0L)), () -> { });
    register(core, new FakeStream<>(), "", "cpus:1;mem:512");
    FakeStream<SchedulerEvent> fw = new FakeStream<>();
    subscribe(core, fw, "early");
    assertThat(fw.await(SchedulerEvent::hasSubscribed, WAIT).getSubscribed().getLargestAgentList())
        .as("a small agent came back first; a bigger one may follow").isEmpty();

    register(core, new FakeStream<>(), expected, "cpus:4;mem:256");
    assertThat(awaitLargest(fw, 1)).isEqualTo(Resources.parse("cpus:4;mem:512"));
  }

  private static MasterInfo master() {
    return MasterInfo.newBuilder().setId("M1").setHost("localhost").setPort(5050).build();
  }

  /** The {@code n}-th LargestAgent event a framework got (1-based), once it has come. */
  private static Resources awaitLargest(FakeStream<SchedulerEvent> fw, int n) {
    fw.await(e -> fw.sent.stream().filter(SchedulerEvent::hasLargestAgent).count() >= n, WAIT);
    List<SchedulerEvent> events = fw.sent.stream().filter(SchedulerEvent::hasLargestAgent).toList();
    return Resources.fromProto(events.get(n - 1).getLargestAgent().getResourcesList());
  }

  private static Offer offerOfOneCpu(FakeStream<SchedulerEvent> fw) {
    return fw.sent.stream().filter(SchedulerEvent::hasOffers).flatMap(e -> e.getOffers().getOffersList().stream())
        .filter(o -> Resources.fromProto(o.getResourcesList()).cpus() == 1.0).findFirst().orElse(null);
  }

  private static TaskInfo task(String id, String resources) {
    return TaskInfo.newBuilder().setTaskId(id).setName(id).setCommand(CommandInfo.newBuilder().setValue("true"))
        .addAllResources(Resources.parse(resources).toProto()).build();
  }

  private static StreamConnection<SchedulerEvent> subscribe(MasterCore core, FakeStream<SchedulerEvent> out,
      String name) {
    StreamConnection<SchedulerEvent> conn = new StreamConnection<>("scheduler-" + name, out,
        core::onSchedulerStreamClosed);
    core.onSchedulerCall(conn, SchedulerCall.newBuilder().setSubscribe(SchedulerCall.Subscribe.newBuilder()
        .setFrameworkInfo(FrameworkInfo.newBuilder().setName(name).setRole("*"))).build());
    return conn;
  }

  private static void register(MasterCore core, FakeStream<AgentEvent> out, String id, String resources) {
    StreamConnection<AgentEvent> conn = new StreamConnection<>("agent", out, core::onAgentStreamClosed);
    core.onAgentCall(conn, AgentCall.newBuilder().setRegister(AgentCall.Register.newBuilder().setAgentInfo(
        AgentInfo.newBuilder().setId(id).setHostname("h").setPort(5051)
            .addAllResources(Resources.parse(resources).toProto()))).build());
    out.await(AgentEvent::hasRegistered, WAIT);
  }
}
