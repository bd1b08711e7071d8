package io.corral.benchmarks;

import com.google.protobuf.ByteString;
import io.corral.common.net.Grpc;
import io.corral.common.net.HostPort;
import io.corral.common.resources.Resources;
import io.corral.protocol.AgentCall;
import io.corral.protocol.AgentEvent;
import io.corral.protocol.AgentInfo;
import io.corral.protocol.AgentServiceGrpc;
import io.corral.protocol.Resource;
import io.corral.protocol.TaskInfo;
import io.corral.protocol.TaskState;
import io.corral.protocol.TaskStatus;
import io.corral.protocol.TaskStatusSource;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Many fake agents in one JVM, for the kernel benchmark: each opens an {@code AgentService.Connect}
 * stream to the master, registers, answers pings, and finishes every task it is given at once
 * (TASK_RUNNING then TASK_FINISHED, batched per launch), or, with {@code updateMessages} {@code
 * hold}, reports it TASK_RUNNING and keeps it until the master kills it (then TASK_KILLED with the
 * kill's reason and message, as a real agent reports a preempted task). No processes are started; nothing is
 * resent (acknowledgements are ignored). The streams share a few gRPC channels (HTTP/2
 * connections), so 10,000 agents need a handful of sockets, not 10,000.
 *
 * <p>Prints {@code READY <agents> <millis>} once every agent is registered, then runs until its
 * standard input ends (the benchmark that spawned it closes it, or dies), and exits.
 *
 * <pre>
 * java -cp ... io.corral.benchmarks.SimulatedAgents host:port agents channels resources updateMessages
 * </pre>
 *
 * {@code updateMessages} is 2 (one StatusUpdates message for RUNNING, one for FINISHED), 1
 * (both in one message, RUNNING first) or {@code hold} (RUNNING, then KILLED once killed).
 */
public final class SimulatedAgents {
  private final List<Resource> resources;
  private final boolean splitUpdates;
  /** Tasks run until killed. */
  private final boolean hold;
  private final CountDownLatch registered;
  private final AtomicLong tasks = new AtomicLong();
  private final AtomicLong errors = new AtomicLong();
  private volatile boolean closing;

  private SimulatedAgents(List<Resource> resources, String updateMessages, int agents) {
    this.resources = resources;
    this.splitUpdates = updateMessages.equals("2");
    this.hold = updateMessages.equals("hold");
    this.registered = new CountDownLatch(agents);
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 5) {
      System.err.println("usage: SimulatedAgents host:port agents channels resources updateMessages(1|2|hold)");
      System.exit(2);
    }
    HostPort master = HostPort.parse(args[0]);
    int agents = Integer.parseInt(args[1]);
    int channelCount = Math.max(1, Integer.parseInt(args[2]));
    List<Resource> resources = Resources.parse(args[3]).toProto();
    SimulatedAgents sim = new SimulatedAgents(resources, args[4], agents);

    List<ManagedChannel> channels = new ArrayList<>();
    for (int i = 0; i < channelCount; i++) {
      channels.add(Grpc.channel(master, Grpc.DEFAULT_MAX_MESSAGE_BYTES));
    }
    long t0 = System.nanoTime();
    for (int i = 0; i < agents; i++) {
      sim.new Agent(i).connect(channels.get(i % channelCount));
    }
    if (!sim.registered.await(5, TimeUnit.MINUTES)) {
      System.err.printf("only %d of %d simulated agents registered%n", agents - sim.registered.getCount(), agents);
      System.exit(1);
    }
    System.out.printf("READY %d %d%n", agents, (System.nanoTime() - t0) / 1_000_000);
    System.out.flush();
    drain(System.in); // until the parent closes our stdin or dies
    sim.closing = true;
    System.err.printf("simulated agents: %d tasks finished, %d stream errors; exiting%n", sim.tasks.get(),
        sim.errors.get());
    channels.forEach(ManagedChannel::shutdownNow);
    System.exit(0);
  }

  private static void drain(InputStream in) {
    byte[] buf = new byte[256];
    try {
      while (in.read(buf) >= 0) {
        // ignore
      }
    } catch (IOException e) {
      // the parent is gone
    }
  }

  /** One simulated agent: its stream, and its id once registered. */
  private final class Agent implements StreamObserver<AgentEvent> {
    private final int index;
    private StreamObserver<AgentCall> out;
    private String agentId = "";

    Agent(int index) {
      this.index = index;
    }

    void connect(ManagedChannel channel) {
      AgentInfo info = AgentInfo.newBuilder().setHostname("sim-" + index).setPort(5051)
          .addAllResources(resources).setVersion("sim").build();
      synchronized (this) {
        out = AgentServiceGrpc.newStub(channel).connect(this);
        out.onNext(AgentCall.newBuilder().setRegister(AgentCall.Register.newBuilder().setAgentInfo(info)).build());
      }
    }

    // Events of one stream arrive one at a time, on the channel's network thread.
    @Override
    public void onNext(AgentEvent event) {
      switch (event.getTypeCase()) {
        case REGISTERED -> {
          boolean first = agentId.isEmpty();
          agentId = event.getRegistered().getAgentId();
          if (first) {
            registered.countDown();
          }
        }
        case PING -> send(AgentCall.newBuilder()
            .setPong(AgentCall.Pong.newBuilder().setSeq(event.getPing().getSeq())).build());
        case RUN_TASKS -> {
          if (hold) {
            start(event.getRunTasks());
          } else {
            finish(event.getRunTasks());
          }
        }
        case KILL_TASK -> {
          if (!hold) {
            return; // its tasks finished as they started
          }
          AgentEvent.KillTask k = event.getKillTask();
          TaskStatus killed = status(k.getFrameworkId(), k.getTaskId(), TaskState.TASK_KILLED,
              System.currentTimeMillis() / 1000.0).toBuilder().setReason(k.getReason()).setMessage(k.getMessage())
              .build();
          send(AgentCall.newBuilder().setUpdates(AgentCall.StatusUpdates.newBuilder().addUpdates(killed)).build());
        }
        case ERROR -> {
          errors.incrementAndGet();
          System.err.printf("sim-%d: master error: %s%n", index, event.getError().getMessage());
        }
        default -> { } // acknowledgements, kills, framework messages: nothing to do
      }
    }

    private void start(AgentEvent.RunTasks run) {
      String frameworkId = run.getFramework().getId();
      AgentCall.StatusUpdates.Builder running = AgentCall.StatusUpdates.newBuilder();
      double now = System.currentTimeMillis() / 1000.0;
      for (TaskInfo t : run.getTasksList()) {
        running.addUpdates(status(frameworkId, t.getTaskId(), TaskState.TASK_RUNNING, now));
      }
      send(AgentCall.newBuilder().setUpdates(running).build());
      tasks.addAndGet(run.getTasksCount());
    }

    private void finish(AgentEvent.RunTasks run) {
      String frameworkId = run.getFramework().getId();
      AgentCall.StatusUpdates.Builder running = AgentCall.StatusUpdates.newBuilder();
      AgentCall.StatusUpdates.Builder finished = splitUpdates ? AgentCall.StatusUpdates.newBuilder() : running;
      double now = System.currentTimeMillis() / 1000.0;
      List<TaskInfo> list = run.getTasksList();
      for (TaskInfo t : list) {
        running.addUpdates(status(frameworkId, t.getTaskId(), TaskState.TASK_RUNNING, now));
      }
      if (splitUpdates) {
        send(AgentCall.newBuilder().setUpdates(running).build());
      }
      for (TaskInfo t : list) {
        finished.addUpdates(status(frameworkId, t.getTaskId(), TaskState.TASK_FINISHED, now));
      }
      send(AgentCall.newBuilder().setUpdates(finished).build());
      tasks.addAndGet(list.size());
    }

    private TaskStatus status(String frameworkId, String taskId, TaskState state, double now) {
      byte[] uuid = new byte[16];
      ThreadLocalRandom.current().nextBytes(uuid);
      return TaskStatus.newBuilder().setTaskId(taskId).setFrameworkId(frameworkId).setAgentId(agentId)
          .setState(state).setSource(TaskStatusSource.SOURCE_AGENT).setTimestamp(now)
          .setUuid(ByteString.copyFrom(uuid)).build();
    }

    private synchronized void send(AgentCall call) {
      out.onNext(call);
    }

    @Override
    public void onError(Throwable t) {
      if (!closing) {
        errors.incrementAndGet();
        System.err.printf("sim-%d: stream failed: %s%n", index, t.getMessage());
      }
    }

    @Override
    public void onCompleted() {
      if (!closing) {
        System.err.printf("sim-%d: stream closed by the master%n", index);
      }
    }
  }
}
