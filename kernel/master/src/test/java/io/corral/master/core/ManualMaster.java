package io.corral.master.core;

import io.corral.common.loop.ManualEventLoop;
import io.corral.common.net.StreamConnection;
import io.corral.common.resources.Resources;
import io.corral.master.MasterConfig;
import io.corral.master.allocator.DrfAllocator;
import io.corral.master.registry.AgentRecord;
import io.corral.master.registry.AgentRegistry;
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
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A master's core on a {@link ManualEventLoop}, for unit tests of its rules and its timers: nothing
 * runs until the test has it run, and time moves only when the test advances it (the core's clock
 * is the loop's). Agents and schedulers are recording streams, and each of their calls has been
 * handled, with whatever it queued, when the call returns.
 */
final class ManualMaster {
  static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

  final ManualEventLoop loop = new ManualEventLoop("test-master", START);
  final MasterCore core;
  private boolean recovered;

  ManualMaster(MasterConfig config) {
    this(config, new InMemoryAgentRegistry());
  }

  ManualMaster(MasterConfig config, AgentRegistry registry) {
    this(config, registry, () -> true);
  }

  /** A master whose lease on its leadership is {@code lease} (always held without ZooKeeper). */
  ManualMaster(MasterConfig config, AgentRegistry registry, java.util.function.BooleanSupplier lease) {
    core = new MasterCore(config, MasterInfo.newBuilder().setId("M1").setHost("localhost").setPort(5050).build(),
        loop, loop.clock(), new DrfAllocator(new Random(1)), registry, lease);
  }

  /** Default settings, no election, recovered from an empty registry: serving, its periodic timers not started. */
  static ManualMaster serving() {
    return serving(MasterConfig.builder().build());
  }

  static ManualMaster serving(MasterConfig config) {
    return new ManualMaster(config).recover(Map.of());
  }

  /** Recovers from the registry's records, as a newly elected master does. */
  ManualMaster recover(Map<String, AgentRecord> records) {
    core.recover(records, () -> recovered = true);
    loop.runPending();
    return this;
  }

  /** Whether recovery is over (every agent of the registry back, or its re-register timeout over). */
  boolean recovered() {
    return recovered;
  }

  /** Starts the periodic work: allocation and offer timeouts, pings, heartbeats, removal of long-gone agents. */
  ManualMaster start() {
    core.start();
    loop.runPending();
    return this;
  }

  void advance(Duration by) {
    loop.advance(by);
  }

  /** Time since the master started. */
  Duration elapsed() {
    return Duration.between(START, loop.now());
  }

  <T> T query(Function<MasterView, T> reader) {
    return settled(() -> core.query(reader));
  }

  List<MasterView.AgentSummary> agents() {
    return query(MasterView::agents);
  }

  List<MasterView.FrameworkSummary> frameworks() {
    return query(MasterView::frameworks);
  }

  /** The agent's status as the master sees it (ACTIVE, DISCONNECTED, UNREACHABLE), or null when it has none. */
  String status(String agentId) {
    return agents().stream().filter(a -> a.id().equals(agentId)).map(MasterView.AgentSummary::status).findFirst()
        .orElse(null);
  }

  boolean removed(String frameworkId) {
    return query(v -> v.isRemoved(frameworkId));
  }

  /** What an operator's call (or any call answering with a future) answered, once the loop has run it. */
  <T> T settled(Supplier<CompletableFuture<T>> call) {
    CompletableFuture<T> answer = call.get();
    loop.runPending();
    return answer.join();
  }

  /** A new agent offering {@code resources}, registered. */
  Agent agent(String resources) {
    return agent(AgentCall.Register.newBuilder().setAgentInfo(agentInfo("", resources)).build());
  }

  /** An agent that registers (or re-registers, with an id) as {@code registration} says. */
  Agent agent(AgentCall.Register registration) {
    Agent agent = new Agent();
    agent.call(AgentCall.newBuilder().setRegister(registration));
    return agent;
  }

  static AgentInfo agentInfo(String id, String resources) {
    return AgentInfo.newBuilder().setId(id).setHostname("host-" + (id.isEmpty() ? "new" : id)).setPort(5051)
        .addAllResources(Resources.parse(resources).toProto()).build();
  }

  /** A scheduler that subscribes as {@code info} says. */
  Scheduler scheduler(FrameworkInfo info) {
    return scheduler(SchedulerCall.Subscribe.newBuilder().setFrameworkInfo(info).build());
  }

  /** A scheduler that subscribes with {@code subscribe}. */
  Scheduler scheduler(SchedulerCall.Subscribe subscribe) {
    Scheduler scheduler = new Scheduler();
    scheduler.call(SchedulerCall.newBuilder().setSubscribe(subscribe));
    return scheduler;
  }

  static FrameworkInfo framework(String name) {
    return FrameworkInfo.newBuilder().setName(name).setRole("*").build();
  }

  static TaskInfo task(String id, String resources) {
    return TaskInfo.newBuilder().setTaskId(id).setName(id).setCommand(CommandInfo.newBuilder().setValue("true"))
        .addAllResources(Resources.parse(resources).toProto()).build();
  }

  /** The agent's end of its stream to the master. */
  final class Agent {
    final FakeStream<AgentEvent> out = new FakeStream<>();
    final StreamConnection<AgentEvent> conn = new StreamConnection<>("agent", out, core::onAgentStreamClosed);

    void call(AgentCall.Builder call) {
      core.onAgentCall(conn, call.build());
      loop.runPending();
    }

    String id() {
      return out.first(AgentEvent::hasRegistered).getRegistered().getAgentId();
    }

    /** Answers the latest ping. */
    void pong() {
      List<AgentEvent> pings = out.all(AgentEvent::hasPing);
      long seq = pings.get(pings.size() - 1).getPing().getSeq();
      call(AgentCall.newBuilder().setPong(AgentCall.Pong.newBuilder().setSeq(seq)));
    }

    /** Reports a task's state, as an executor's update relayed by the agent. */
    void update(String frameworkId, String taskId, TaskState state) {
      call(AgentCall.newBuilder().setUpdates(AgentCall.StatusUpdates.newBuilder().addUpdates(TaskStatus.newBuilder()
          .setFrameworkId(frameworkId).setTaskId(taskId).setAgentId(id()).setState(state)
          .setUuid(com.google.protobuf.ByteString.copyFromUtf8(taskId + "-" + state)))));
    }

    /** Relays an executor's update as given (this agent's id and a uuid filled in when it has none). */
    void update(TaskStatus.Builder status) {
      if (status.getUuid().isEmpty()) {
        status.setUuid(com.google.protobuf.ByteString.copyFromUtf8(java.util.UUID.randomUUID().toString()));
      }
      call(AgentCall.newBuilder().setUpdates(AgentCall.StatusUpdates.newBuilder()
          .addUpdates(status.setAgentId(id()))));
    }

    /** The tasks the master asked this agent to kill so far. */
    List<String> killed() {
      return out.all(AgentEvent::hasKillTask).stream().map(e -> e.getKillTask().getTaskId()).toList();
    }

    /** The agent's stream breaks (its process died, the network failed). */
    void hangUp() {
      conn.peerClosed(new IllegalStateException("connection reset"));
      loop.runPending();
    }
  }

  /** The scheduler's end of its stream to the master. */
  final class Scheduler {
    final FakeStream<SchedulerEvent> out = new FakeStream<>();
    final StreamConnection<SchedulerEvent> conn =
        new StreamConnection<>("scheduler", out, core::onSchedulerStreamClosed);
    private final java.util.Set<String> answered = new java.util.HashSet<>();

    /** Sends a call (naming the framework once it has an id). */
    void call(SchedulerCall.Builder call) {
      if (!call.hasSubscribe() && out.any(SchedulerEvent::hasSubscribed)) {
        call.setFrameworkId(id());
      }
      core.onSchedulerCall(conn, call.build());
      loop.runPending();
    }

    String id() {
      return out.first(SchedulerEvent::hasSubscribed).getSubscribed().getFrameworkId();
    }

    /** Every offer received so far, rescinded or not. */
    List<Offer> offers() {
      return out.all(SchedulerEvent::hasOffers).stream().flatMap(e -> e.getOffers().getOffersList().stream())
          .toList();
    }

    /** The ids of the offers the master rescinded so far. */
    List<String> rescinded() {
      return out.all(SchedulerEvent::hasRescind).stream()
          .flatMap(e -> e.getRescind().getOfferIdsList().stream()).toList();
    }

    /** The offers received and neither rescinded nor answered by this test. */
    List<Offer> outstanding() {
      List<String> gone = rescinded();
      return offers().stream().filter(o -> !gone.contains(o.getId()) && !answered.contains(o.getId())).toList();
    }

    /** Declines without a filter: the master's default refusal applies. */
    void decline(Offer offer) {
      answered.add(offer.getId());
      call(SchedulerCall.newBuilder().setDecline(SchedulerCall.Decline.newBuilder().addOfferIds(offer.getId())));
    }

    void decline(Offer offer, double refuseSeconds) {
      answered.add(offer.getId());
      call(SchedulerCall.newBuilder().setDecline(SchedulerCall.Decline.newBuilder().addOfferIds(offer.getId())
          .setFilters(io.corral.protocol.Filters.newBuilder().setRefuseSeconds(refuseSeconds))));
    }

    void launch(Offer offer, TaskInfo... tasks) {
      answered.add(offer.getId());
      call(SchedulerCall.newBuilder().setAccept(SchedulerCall.Accept.newBuilder().addOfferIds(offer.getId())
          .addAllTasks(List.of(tasks))));
    }

    /** Every status of the task the master sent so far, in order. */
    List<TaskStatus> statuses(String taskId) {
      return out.all(SchedulerEvent::hasUpdate).stream().flatMap(e -> e.getUpdate().getStatusesList().stream())
          .filter(s -> s.getTaskId().equals(taskId)).toList();
    }

    /** The scheduler's stream breaks (its process died, or it fails over). */
    void hangUp() {
      conn.peerClosed(new IllegalStateException("connection reset"));
      loop.runPending();
    }
  }
}
