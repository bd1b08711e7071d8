package io.corral.benchmarks;

import com.google.protobuf.ByteString;
import io.corral.common.detect.MasterDetector;
import io.corral.common.net.Backoff;
import io.corral.common.net.Grpc;
import io.corral.common.net.HostPort;
import io.corral.common.resources.Resources;
import io.corral.protocol.AgentCall;
import io.corral.protocol.AgentEvent;
import io.corral.protocol.AgentInfo;
import io.corral.protocol.AgentServiceGrpc;
import io.corral.protocol.FrameworkInfo;
import io.corral.protocol.Resource;
import io.corral.protocol.Task;
import io.corral.protocol.TaskInfo;
import io.corral.protocol.TaskState;
import io.corral.protocol.TaskStatus;
import io.corral.protocol.TaskStatusSource;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Simulated agents for {@link FailoverBenchmark}, in the benchmark's JVM. Like
 * {@link SimulatedAgents} they speak the real agent protocol over a few shared gRPC channels
 * (HTTP/2 connections), and start no processes. Unlike them they keep their tasks: each task
 * they are given answers TASK_RUNNING once and stays running, and a re-registration carries the
 * agent's id, its frameworks and its running tasks, as a real agent's does.
 *
 * <p>They find the leader the way real agents do, in ZooKeeper, but all through one
 * {@link MasterDetector} (one Curator client: 10,000 would be some 30,000 threads). When its
 * leader listener reports a new leader, every agent opens a stream to it at once and
 * re-registers, as {@code ReconnectingStream} does on a leader change; a stream that is refused
 * (the new leader does not serve yet) is retried as real agents do: soon (50 ms doubling to 1 s),
 * and other failures with their backoff (0.2 s doubling to 10 s, jittered).
 */
final class FailoverAgents implements AutoCloseable {
  private final MasterDetector detector;
  private final List<Resource> resources;
  private final int agentsPerChannel;
  private final List<Agent> agents = new ArrayList<>();
  private final ExecutorService switcher = Executors.newSingleThreadExecutor(r -> daemon(r, "sim-agents-switch"));
  private final ScheduledExecutorService retries =
      Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "sim-agents-retry"));
  private final AtomicLong streamErrors = new AtomicLong();
  private final AtomicLong refusals = new AtomicLong();
  private volatile Epoch epoch;
  private volatile boolean closing;

  /** Everything about the agents' time with one leader. */
  static final class Epoch {
    final HostPort leader;
    /** When the detector reported this leader (epoch millis). */
    final long seenMillis;
    final List<ManagedChannel> channels = new ArrayList<>();
    final CountDownLatch allRegistered;
    final AtomicInteger registered = new AtomicInteger();
    /** When every agent had opened its stream to this leader and sent REGISTER (epoch millis). */
    volatile long sentMillis;
    volatile long firstRegisteredMillis;
    volatile long lastRegisteredMillis;

    Epoch(HostPort leader, int agents) {
      this.leader = leader;
      this.seenMillis = System.currentTimeMillis();
      this.allRegistered = new CountDownLatch(agents);
    }

    void registered() {
      long now = System.currentTimeMillis();
      if (registered.incrementAndGet() == 1) {
        firstRegisteredMillis = now;
      }
      lastRegisteredMillis = now;
      allRegistered.countDown();
    }
  }

  FailoverAgents(String zkUrl, int count, int agentsPerChannel, String resources) {
    this.detector = MasterDetector.forSpec(zkUrl);
    this.resources = Resources.parse(resources).toProto();
    this.agentsPerChannel = agentsPerChannel;
    for (int i = 0; i < count; i++) {
      agents.add(new Agent(i));
    }
  }

  /** Finds the leader, registers every agent with it, and from now on follows leader changes. */
  Epoch start(Duration timeout) throws Exception {
    HostPort leader = detector.detect(timeout);
    Epoch first = switchTo(leader);
    detector.addLeaderListener(l -> switcher.execute(() -> {
      Epoch current = epoch;
      if (!closing && (current == null || !current.leader.equals(l))) {
        switchTo(l);
      }
    }));
    return first;
  }

  /** The agents' current leader and how they fare with it. */
  Epoch epoch() {
    return epoch;
  }

  int size() {
    return agents.size();
  }

  /** Streams that failed (a dead master's, or refused by a master that did not lead yet). */
  long streamErrors() {
    return streamErrors.get();
  }

  /** Streams refused by a master that did not lead (yet). */
  long refusals() {
    return refusals.get();
  }

  /** Running tasks held by all the agents. */
  long runningTasks() {
    long n = 0;
    for (Agent a : agents) {
      n += a.taskCount();
    }
    return n;
  }

  private synchronized Epoch switchTo(HostPort leader) {
    Epoch old = epoch;
    Epoch next = new Epoch(leader, agents.size());
    int channels = Math.max(1, (agents.size() + agentsPerChannel - 1) / agentsPerChannel);
    for (int i = 0; i < channels; i++) {
      next.channels.add(Grpc.channel(leader, Grpc.DEFAULT_MAX_MESSAGE_BYTES));
    }
    epoch = next;
    for (int i = 0; i < agents.size(); i++) {
      agents.get(i).connect(next, next.channels.get(i % channels));
    }
    next.sentMillis = System.currentTimeMillis();
    if (old != null) {
      old.channels.forEach(ManagedChannel::shutdownNow);
    }
    return next;
  }

  @Override
  public void close() {
    closing = true;
    switcher.shutdownNow();
    retries.shutdownNow();
    Epoch e = epoch;
    if (e != null) {
      e.channels.forEach(ManagedChannel::shutdownNow);
    }
    detector.close();
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  /** One simulated agent. Its events arrive on the channel's network thread; state is guarded by the agent. */
  private final class Agent {
    private final int index;
    private final Backoff backoff = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(10));
    private final Backoff notLeaderBackoff = new Backoff(Duration.ofMillis(50), Duration.ofSeconds(1));
    private final List<Task> tasks = new ArrayList<>();
    private final List<FrameworkInfo> frameworks = new ArrayList<>();
    private String agentId = "";
    private StreamObserver<AgentCall> out;
    private Epoch registeredIn;

    Agent(int index) {
      this.index = index;
    }

    synchronized int taskCount() {
      return tasks.size();
    }

    synchronized void connect(Epoch e, ManagedChannel channel) {
      if (out != null) {
        try {
          out.onError(io.grpc.Status.CANCELLED.withDescription("the leader changed").asRuntimeException());
        } catch (RuntimeException ignored) {
          // already dead
        }
      }
      AgentInfo.Builder info = AgentInfo.newBuilder().setHostname("sim-" + index).setPort(5051)
          .addAllResources(resources).setVersion("sim");
      AgentCall.Register.Builder reg = AgentCall.Register.newBuilder();
      if (!agentId.isEmpty()) {
        info.setId(agentId);
        reg.addAllFrameworks(frameworks).addAllTasks(tasks);
      }
      out = AgentServiceGrpc.newStub(channel).connect(new Stream(e));
      out.onNext(AgentCall.newBuilder().setRegister(reg.setAgentInfo(info)).build());
    }

    private synchronized void onEvent(Epoch e, AgentEvent event) {
      switch (event.getTypeCase()) {
        case REGISTERED -> {
          agentId = event.getRegistered().getAgentId();
          backoff.reset();
          notLeaderBackoff.reset();
          if (registeredIn != e) {
            registeredIn = e;
            e.registered();
          }
        }
        case PING -> out.onNext(AgentCall.newBuilder()
            .setPong(AgentCall.Pong.newBuilder().setSeq(event.getPing().getSeq())).build());
        case RUN_TASKS -> run(event.getRunTasks());
        case ERROR -> {
          streamErrors.incrementAndGet();
          System.err.printf("sim-%d: master error: %s%n", index, event.getError().getMessage());
        }
        default -> { } // acknowledgements and the rest: nothing to do
      }
    }

    private void run(AgentEvent.RunTasks run) {
      FrameworkInfo framework = run.getFramework();
      if (frameworks.stream().noneMatch(f -> f.getId().equals(framework.getId()))) {
        frameworks.add(framework);
      }
      AgentCall.StatusUpdates.Builder running = AgentCall.StatusUpdates.newBuilder();
      double now = System.currentTimeMillis() / 1000.0;
      for (TaskInfo t : run.getTasksList()) {
        byte[] uuid = new byte[16];
        ThreadLocalRandom.current().nextBytes(uuid);
        TaskStatus status = TaskStatus.newBuilder().setTaskId(t.getTaskId()).setFrameworkId(framework.getId())
            .setAgentId(agentId).setState(TaskState.TASK_RUNNING).setSource(TaskStatusSource.SOURCE_AGENT)
            .setTimestamp(now).setUuid(ByteString.copyFrom(uuid)).build();
        running.addUpdates(status);
        tasks.add(Task.newBuilder().setTaskId(t.getTaskId()).setFrameworkId(framework.getId()).setAgentId(agentId)
            .setExecutorId(t.getTaskId()).setName(t.getName()).setState(TaskState.TASK_RUNNING)
            .addAllResources(t.getResourcesList()).setLatestStatus(status).build());
      }
      out.onNext(AgentCall.newBuilder().setUpdates(running).build());
    }

    private synchronized void onEnded(Epoch e, Throwable t) {
      if (closing || e != epoch || registeredIn == e) {
        return; // an old leader's stream (the leader listener moves us), or the current leader died
      }
      if (streamErrors.incrementAndGet() <= 3) {
        System.err.printf("sim-%d: stream to %s ended: %s%n", index, e.leader, t);
      }
      boolean notLeader = t != null && io.corral.common.net.Grpc.isNotLeader(t);
      if (notLeader) {
        refusals.incrementAndGet();
      }
      out = null;
      long delay = (notLeader ? notLeaderBackoff : backoff).nextDelay().toNanos();
      retries.schedule(() -> {
        Epoch now = epoch;
        if (now == e && !closing) {
          connect(e, e.channels.get(index % e.channels.size()));
        }
      }, delay, TimeUnit.NANOSECONDS);
    }

    /** The stream of one connection attempt. */
    private final class Stream implements StreamObserver<AgentEvent> {
      private final Epoch e;

      Stream(Epoch e) {
        this.e = e;
      }

      @Override
      public void onNext(AgentEvent event) {
        onEvent(e, event);
      }

      @Override
      public void onError(Throwable t) {
        onEnded(e, t);
      }

      @Override
      public void onCompleted() {
        onEnded(e, null);
      }
    }
  }
}
