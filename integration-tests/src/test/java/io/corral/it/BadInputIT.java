package io.corral.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.corral.bridges.testkit.RecordingScheduler;
import io.corral.common.net.Grpc;
import io.corral.common.resources.Resources;
import io.corral.local.LocalCluster;
import io.corral.protocol.AgentCall;
import io.corral.protocol.AgentEvent;
import io.corral.protocol.AgentInfo;
import io.corral.protocol.AgentServiceGrpc;
import io.corral.protocol.CommandInfo;
import io.corral.protocol.FrameworkInfo;
import io.corral.protocol.Offer;
import io.corral.protocol.Resource;
import io.corral.protocol.SchedulerCall;
import io.corral.protocol.SchedulerEvent;
import io.corral.protocol.SchedulerServiceGrpc;
import io.corral.protocol.TaskInfo;
import io.corral.protocol.TaskState;
import io.corral.protocol.TaskStatus;
import io.corral.protocol.TaskStatusReason;
import io.corral.scheduler.CorralSchedulerDriver;
import io.corral.scheduler.TaskInfos;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

/**
 * Hostile and broken input: each gets a clear error, the master and agents keep running, and
 * no resources leak.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class BadInputIT {
  private static final String AGENT_RESOURCES = "cpus:2;mem:1024;ports:[31000-31009]";
  private static final Resources TASK = Resources.parse("cpus:0.1;mem:32");
  private LocalCluster cluster;
  private ManagedChannel channel;

  @BeforeEach
  void start(TestInfo info) throws Exception {
    cluster = TestClusters.inProcess(TestClusters.dir(info), 2, AGENT_RESOURCES)
        .masterConfig(m -> m.maxMessageBytes(64 * 1024).agentPingTimeout(Duration.ofSeconds(1))).start();
    channel = Grpc.channel(cluster.masterAddress(), 16 * 1024 * 1024);
  }

  @AfterEach
  void stop() {
    Grpc.shutdown(channel);
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void malformedAndOversizedMessagesEndOnlyTheirOwnStream() throws Exception {
    byte[] garbage = {0x12, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x01};
    Status s1 = RawStream.sendBytes(channel, "corral.v1.SchedulerService/Subscribe", garbage);
    assertThat(s1.getCode()).isEqualTo(Status.Code.INTERNAL);
    Status s2 = RawStream.sendBytes(channel, "corral.v1.AgentService/Connect", garbage);
    assertThat(s2.getCode()).isEqualTo(Status.Code.INTERNAL);
    Status s3 = RawStream.sendBytes(channel, "corral.v1.SchedulerService/Subscribe", new byte[100 * 1024]);
    assertThat(s3.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    Status s4 = RawStream.sendBytes(channel, "corral.v1.NoSuchService/Call", new byte[] {1});
    assertThat(s4.getCode()).isEqualTo(Status.Code.UNIMPLEMENTED);

    // Garbage after a good SUBSCRIBE ends that framework's stream: it is disconnected at once.
    byte[] subscribe = SchedulerCall.newBuilder().setSubscribe(SchedulerCall.Subscribe.newBuilder()
        .setFrameworkInfo(FrameworkInfo.newBuilder().setName("garbled").setFailoverTimeout(0))).build().toByteArray();
    assertThat(RawStream.sendBytes(channel, "corral.v1.SchedulerService/Subscribe", subscribe, garbage).getCode())
        .isEqualTo(Status.Code.INTERNAL);
    await().atMost(Duration.ofSeconds(30)).until(() -> cluster.query(v -> v.frameworks().isEmpty()));

    // The agent's own endpoint (for executors) shrugs off garbage too.
    ManagedChannel agentChannel = Grpc.channel(new io.corral.common.net.HostPort("127.0.0.1",
        cluster.inProcessAgent(0).port()), 1024 * 1024);
    try {
      assertThat(RawStream.sendBytes(agentChannel, "corral.v1.ExecutorService/Connect", garbage).getCode())
          .isEqualTo(Status.Code.INTERNAL);
    } finally {
      Grpc.shutdown(agentChannel);
    }

    // Everything still works: both agents registered, a framework runs a task.
    long active = cluster.query(v -> v.agents().stream().filter(a -> a.status().equals("ACTIVE")).count());
    assertThat(active).isEqualTo(2);
    RecordingScheduler s = new RecordingScheduler();
    CorralSchedulerDriver driver = driver(s, "after-garbage");
    Offer offer = s.nextOffer();
    driver.launchTasks(List.of(offer.getId()), List.of(TaskInfos.command("ok", offer, TASK, TaskInfos.shell("true"))));
    s.awaitState("ok", TaskState.TASK_FINISHED);
    driver.stop();
    driver.join();
    assertNoLeaks();
  }

  @Test
  void callsBeforeSubscribingGetAnErrorAndTheStreamStaysOpen() {
    RawStream.Recorder<SchedulerEvent> events = new RawStream.Recorder<>();
    StreamObserver<SchedulerCall> out = SchedulerServiceGrpc.newStub(channel).subscribe(events);
    out.onNext(SchedulerCall.newBuilder().setAccept(SchedulerCall.Accept.newBuilder().addOfferIds("x")).build());
    SchedulerEvent error = events.awaitEvent(SchedulerEvent::hasError);
    assertThat(error.getError().getMessage()).contains("first call on a stream must be SUBSCRIBE");
    assertThat(error.getError().getFatal()).isFalse();
    assertThat(events.closed()).isFalse();

    out.onNext(SchedulerCall.newBuilder().setSubscribe(SchedulerCall.Subscribe.newBuilder()
        .setFrameworkInfo(FrameworkInfo.newBuilder().setName("raw"))).build());
    String id = events.awaitEvent(SchedulerEvent::hasSubscribed).getSubscribed().getFrameworkId();
    out.onNext(SchedulerCall.newBuilder().setFrameworkId("someone-else").setRevive(SchedulerCall.Revive.newBuilder())
        .build());
    assertThat(events.awaitEvent(e -> e.hasError() && e.getError().getMessage().contains("someone-else"))
        .getError().getFatal()).isFalse();
    out.onNext(SchedulerCall.newBuilder().setFrameworkId(id).build()); // no call type at all
    events.awaitEvent(e -> e.hasError() && e.getError().getMessage().contains("unknown call type"));
    out.onNext(SchedulerCall.newBuilder().setFrameworkId(id).setTeardown(SchedulerCall.Teardown.newBuilder()).build());
    await().atMost(Duration.ofSeconds(30)).until(events::closed);

    // Invalid framework info is refused with a fatal error.
    RawStream.Recorder<SchedulerEvent> bad = new RawStream.Recorder<>();
    StreamObserver<SchedulerCall> badOut = SchedulerServiceGrpc.newStub(channel).subscribe(bad);
    badOut.onNext(SchedulerCall.newBuilder().setSubscribe(SchedulerCall.Subscribe.newBuilder()
        .setFrameworkInfo(FrameworkInfo.newBuilder().setName("x").setFailoverTimeout(Double.NaN))).build());
    SchedulerEvent refused = bad.awaitEvent(SchedulerEvent::hasError);
    assertThat(refused.getError().getFatal()).isTrue();
    assertThat(refused.getError().getMessage()).contains("failover_timeout");
    await().atMost(Duration.ofSeconds(30)).until(bad::closed);
    assertNoLeaks();
  }

  @Test
  void invalidLaunchesAreRefusedTaskByTaskAndLoseNothing() throws Exception {
    RecordingScheduler s = new RecordingScheduler();
    CorralSchedulerDriver driver = driver(s, "sloppy");
    RecordingScheduler other = new RecordingScheduler();
    CorralSchedulerDriver otherDriver = driver(other, "bystander");

    Offer offer = s.nextOffer();
    TaskInfo nan = TaskInfos.command("nan", offer, TASK, TaskInfos.shell("true")).toBuilder()
        .addResources(Resource.newBuilder().setName("disk").setScalar(Double.NaN)).build();
    TaskInfo negative = TaskInfos.command("negative", offer, TASK, TaskInfos.shell("true")).toBuilder()
        .clearResources().addResources(Resource.newBuilder().setName("cpus").setScalar(-1)).build();
    TaskInfo noCommand = TaskInfos.command("no-command", offer, TASK, TaskInfos.shell("true")).toBuilder()
        .clearCommand().build();
    TaskInfo emptyCommand = TaskInfos.command("empty", offer, TASK, CommandInfo.newBuilder().build());
    TaskInfo tooBig = TaskInfos.command("too-big", offer, Resources.parse("cpus:100;mem:32"), TaskInfos.shell("true"));
    TaskInfo badPorts = TaskInfos.command("bad-ports", offer, Resources.parse("cpus:0.1;ports:[80-80]"),
        TaskInfos.shell("true"));
    TaskInfo portOwner = TaskInfos.command("port-owner", offer, Resources.parse("cpus:0.1;mem:16;ports:[31005-31005]"),
        TaskInfos.shell("true"));
    TaskInfo portTwin = TaskInfos.command("port-twin", offer, Resources.parse("cpus:0.1;mem:16;ports:[31005-31005]"),
        TaskInfos.shell("true"));
    TaskInfo slash = TaskInfos.command("a/b", offer, TASK, TaskInfos.shell("true"));
    TaskInfo good = TaskInfos.command("good", offer, TASK, TaskInfos.shell("true"));
    TaskInfo twin = TaskInfos.command("good", offer, TASK, TaskInfos.shell("true"));
    driver.launchTasks(List.of(offer.getId()),
        List.of(nan, negative, noCommand, emptyCommand, tooBig, badPorts, portOwner, portTwin, slash, good, twin));

    assertThat(s.awaitState("nan", TaskState.TASK_ERROR).getMessage()).contains("NaN");
    assertThat(s.awaitState("negative", TaskState.TASK_ERROR).getMessage()).contains("negative");
    assertThat(s.awaitState("no-command", TaskState.TASK_ERROR).getMessage()).contains("exactly one of");
    assertThat(s.awaitState("empty", TaskState.TASK_ERROR).getMessage()).contains("empty");
    TaskStatus tooBigError = s.awaitState("too-big", TaskState.TASK_ERROR);
    assertThat(tooBigError.getMessage()).contains("no agent of the cluster can ever run this task");
    assertThat(tooBigError.getReason()).isEqualTo(TaskStatusReason.REASON_EXCEEDS_LARGEST_AGENT);
    assertThat(s.awaitState("bad-ports", TaskState.TASK_ERROR).getReason())
        .isEqualTo(TaskStatusReason.REASON_EXCEEDS_LARGEST_AGENT);
    // A task the cluster could run but this offer no longer holds (its port went to the task before it).
    assertThat(s.awaitState("port-twin", TaskState.TASK_ERROR).getMessage()).contains("exceed the offer");
    s.awaitState("port-owner", TaskState.TASK_FINISHED);
    assertThat(s.awaitState("a/b", TaskState.TASK_ERROR).getMessage()).contains("'/'");
    TaskStatus twinError = s.awaitState("good", TaskState.TASK_ERROR);
    assertThat(twinError.getMessage()).contains("appears twice");
    assertThat(twinError.getReason()).isEqualTo(TaskStatusReason.REASON_TASK_INVALID);
    s.awaitState("good", TaskState.TASK_FINISHED);

    // A task id used before, even by a finished task, is refused.
    Offer again = s.nextOffer();
    driver.launchTasks(List.of(again.getId()), List.of(TaskInfos.command("good", again, TASK, TaskInfos.shell("true"))));
    await().atMost(Duration.ofSeconds(30)).until(() -> s.statuses.stream()
        .anyMatch(x -> x.getTaskId().equals("good") && x.getMessage().contains("already used")));

    // Offers that are unknown, or another framework's, drop the tasks; the owner keeps its offer.
    Offer theirs = other.nextOffer();
    driver.launchTasks(List.of(theirs.getId()), List.of(TaskInfos.command("steal", theirs, TASK, TaskInfos.shell("true"))));
    TaskStatus stolen = s.awaitState("steal", TaskState.TASK_DROPPED);
    assertThat(stolen.getReason()).isEqualTo(TaskStatusReason.REASON_INVALID_OFFERS);
    assertThat(stolen.getMessage()).contains("not made to framework");
    otherDriver.launchTasks(List.of(theirs.getId()),
        List.of(TaskInfos.command("mine", theirs, TASK, TaskInfos.shell("true"))));
    other.awaitState("mine", TaskState.TASK_FINISHED);
    driver.launchTasks(List.of("no-such-offer"), List.of(TaskInfos.command("ghost", offer, TASK, TaskInfos.shell("true"))));
    assertThat(s.awaitState("ghost", TaskState.TASK_DROPPED).getMessage()).contains("unknown or no longer valid");
    // Decline of an unknown offer, ack of an unknown agent, kill of an unknown task: harmless.
    driver.declineOffer("no-such-offer");
    driver.acknowledgeStatusUpdate(TaskStatus.newBuilder().setTaskId("x").setAgentId("no-agent")
        .setUuid(com.google.protobuf.ByteString.copyFromUtf8("0123456789abcdef")).build());
    driver.killTask("no-such-task");
    assertThat(s.awaitState("no-such-task", TaskState.TASK_UNKNOWN).getReason())
        .isEqualTo(TaskStatusReason.REASON_TASK_UNKNOWN);

    driver.stop();
    otherDriver.stop();
    driver.join();
    otherDriver.join();
    assertNoLeaks();
  }

  @Test
  void anAgentClaimingAnotherAgentsIdIsRefused() {
    String taken = cluster.agents().get(0).agentId();
    AgentInfo impostor = AgentInfo.newBuilder().setId(taken).setHostname("10.9.9.9").setPort(5051)
        .addAllResources(Resources.parse("cpus:64;mem:65536").toProto()).build();
    RawStream.Recorder<AgentEvent> events = new RawStream.Recorder<>();
    StreamObserver<AgentCall> out = AgentServiceGrpc.newStub(channel).connect(events);
    out.onNext(AgentCall.newBuilder().setRegister(AgentCall.Register.newBuilder().setAgentInfo(impostor)).build());
    AgentEvent error = events.awaitEvent(AgentEvent::hasError);
    assertThat(error.getError().getFatal()).isTrue();
    assertThat(error.getError().getMessage()).contains("already registered");
    await().atMost(Duration.ofSeconds(30)).until(events::closed);

    // Nonsense resources are refused too.
    RawStream.Recorder<AgentEvent> events2 = new RawStream.Recorder<>();
    StreamObserver<AgentCall> out2 = AgentServiceGrpc.newStub(channel).connect(events2);
    out2.onNext(AgentCall.newBuilder().setRegister(AgentCall.Register.newBuilder().setAgentInfo(
        AgentInfo.newBuilder().setHostname("h").setPort(1)
            .addResources(Resource.newBuilder().setName("cpus").setScalar(-4)))).build());
    assertThat(events2.awaitEvent(AgentEvent::hasError).getError().getMessage()).contains("negative");

    // A call before REGISTER gets an error; the stream stays open.
    RawStream.Recorder<AgentEvent> events3 = new RawStream.Recorder<>();
    StreamObserver<AgentCall> out3 = AgentServiceGrpc.newStub(channel).connect(events3);
    out3.onNext(AgentCall.newBuilder().setPong(AgentCall.Pong.newBuilder().setSeq(1)).build());
    assertThat(events3.awaitEvent(AgentEvent::hasError).getError().getMessage()).contains("REGISTER");
    assertThat(events3.closed()).isFalse();
    out3.onCompleted();

    // The real agent is untouched and still gets work.
    String status = cluster.query(v -> v.agents().stream().filter(a -> a.id().equals(taken)).findFirst()
        .orElseThrow().status());
    assertThat(status).isEqualTo("ACTIVE");
    int agents = cluster.query(v -> v.agents().size());
    assertThat(agents).isEqualTo(2);
    assertNoLeaks();
  }

  private CorralSchedulerDriver driver(RecordingScheduler s, String name) {
    CorralSchedulerDriver d = new CorralSchedulerDriver(s, FrameworkInfo.newBuilder().setName(name).build(),
        cluster.masterAddress().toString());
    d.start();
    s.awaitRegistered();
    return d;
  }

  /** Once every framework is gone, every agent's resources are free again. */
  private void assertNoLeaks() {
    Resources total = Resources.parse(AGENT_RESOURCES);
    await().atMost(Duration.ofSeconds(30)).until(() -> cluster.query(v ->
        v.frameworks().isEmpty() && v.outstandingOffers() == 0
            && v.agents().stream().allMatch(a -> v.freeOn(a.id()).equals(total))));
  }
}
