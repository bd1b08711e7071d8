package io.corral.benchmarks;

import io.corral.common.resources.Resources;
import io.corral.master.Master;
import io.corral.master.MasterConfig;
import io.corral.protocol.Filters;
import io.corral.protocol.FrameworkInfo;
import io.corral.protocol.Offer;
import io.corral.protocol.SchedulerEvent;
import io.corral.protocol.TaskInfo;
import io.corral.protocol.TaskState;
import io.corral.protocol.TaskStatus;
import io.corral.protocol.TaskStatusReason;
import io.corral.scheduler.CorralSchedulerDriver;
import io.corral.scheduler.Scheduler;
import io.corral.scheduler.SchedulerDriver;
import io.corral.scheduler.TaskInfos;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Time for an under-served role to reach its guarantee from the moment it has demand, in the real
 * master with {@link SimulatedAgents} (tasks held until killed): a framework of role {@code flood}
 * fills every agent; role {@code arriving} is given a guarantee of half the cluster's cpus and mem;
 * then its framework subscribes (the moment it has demand) and launches a task on every offer. The
 * run reports, from that moment, when the flood's framework got its first notice, and when the
 * arriving role held half and all of its guarantee, against {@code --preemption-grace}.
 *
 * <pre>
 * ./mvnw -B -q -pl benchmarks -am package -DskipTests
 * java -cp "benchmarks/target/corral-benchmarks.jar:benchmarks/target/lib/*" \
 *     io.corral.benchmarks.PreemptionBenchmark [--agents=10000] [--grace=10s] [--agents-per-channel=500]
 * </pre>
 */
public final class PreemptionBenchmark {
  /** Each task takes half a simulated agent ({@link SimulatedAgentsProcess#AGENT_RESOURCES}). */
  private static final Resources TASK = Resources.parse("cpus:4;mem:16384");

  private PreemptionBenchmark() {}

  public static void main(String[] args) throws Exception {
    int agents = 10_000;
    Duration grace = Duration.ofSeconds(10);
    int perChannel = 500;
    for (String arg : args) {
      if (arg.startsWith("--agents=")) {
        agents = Integer.parseInt(arg.substring("--agents=".length()));
      } else if (arg.startsWith("--grace=")) {
        grace = Duration.parse("PT" + arg.substring("--grace=".length()).toUpperCase(java.util.Locale.ROOT));
      } else if (arg.startsWith("--agents-per-channel=")) {
        perChannel = Integer.parseInt(arg.substring("--agents-per-channel=".length()));
      } else {
        System.err.println("unknown argument " + arg);
        System.exit(2);
      }
    }
    run(agents, grace, perChannel);
    System.exit(0);
  }

  private static void run(int agents, Duration grace, int perChannel) throws Exception {
    long tasks = 2L * agents;
    System.out.printf("## Preemption: %,d simulated agents, %,d tasks flooding, grace %s%n", agents, tasks, grace);
    MasterConfig config = MasterConfig.builder().port(0).httpPort(0).preemptionGrace(grace)
        .workDir(java.nio.file.Files.createTempDirectory("corral-preemption-bench")).build();
    try (Master master = new Master(config).start();
        SimulatedAgentsProcess sims = SimulatedAgentsProcess.start(master.address(), agents, perChannel, "hold")) {
      System.out.printf("%,d agents registered in %.1f s%n", agents, sims.registerSeconds());
      Taker flood = new Taker("flood", Long.MAX_VALUE);
      CorralSchedulerDriver floodDriver = flood.start(master.address().toString());
      long t0 = System.nanoTime();
      while (flood.running.get() < tasks) {
        Thread.sleep(100);
      }
      System.out.printf("flood: %,d tasks running after %.1f s%n", tasks, (System.nanoTime() - t0) / 1e9);

      Resources totals = Resources.parse(SimulatedAgentsProcess.AGENT_RESOURCES).scalarsOnly();
      double cpus = totals.cpus() * agents / 2;
      double mem = totals.mem() * agents / 2;
      put(master.httpUrl() + "api/v1/quota/arriving?force=true",
          String.format(java.util.Locale.ROOT, "{\"guarantee\": {\"cpus\": %.1f, \"mem\": %.1f}}", cpus, mem));
      long needed = tasks / 2;
      Taker arriving = new Taker("arriving", needed);
      long demand = System.nanoTime();
      CorralSchedulerDriver arrivingDriver = arriving.start(master.address().toString());
      while (arriving.running.get() < needed) {
        Thread.sleep(20);
      }
      long served = System.nanoTime();
      System.out.printf("%n| agents | tasks preempted | grace | first notice | half the guarantee | guarantee |%n");
      System.out.printf("| ---: | ---: | ---: | ---: | ---: | ---: |%n");
      System.out.printf("| %,d | %,d | %.0f s | %.2f s | %.2f s | %.2f s |%n", agents, flood.preempted.get(),
          grace.toMillis() / 1000.0, (flood.firstNotice.get() - demand) / 1e9,
          (arriving.halfway.get() - demand) / 1e9, (served - demand) / 1e9);
      System.out.printf("(times from the arriving framework's subscription; the guarantee is %,.0f cpus, %,d tasks)%n",
          cpus, needed);
      arrivingDriver.stop();
      floodDriver.stop();
      arrivingDriver.join();
      floodDriver.join();
    }
  }

  private static void put(String url, String json) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
        .header("X-Corral-Request", "1").header("Content-Type", "application/json")
        .PUT(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException("PUT " + url + ": " + r.statusCode() + " " + r.body());
    }
  }

  /** Launches a task of {@link #TASK} on every piece of an offer that holds one, up to {@code most} tasks. */
  private static final class Taker implements Scheduler {
    private final String role;
    private final long most;
    final AtomicLong launched = new AtomicLong();
    final AtomicLong running = new AtomicLong();
    final AtomicLong preempted = new AtomicLong();
    final AtomicLong firstNotice = new AtomicLong();
    final AtomicLong halfway = new AtomicLong();

    Taker(String role, long most) {
      this.role = role;
      this.most = most;
    }

    CorralSchedulerDriver start(String master) {
      CorralSchedulerDriver d = new CorralSchedulerDriver(this, FrameworkInfo.newBuilder().setName(role)
          .setRole(role).setUser("bench").build(), master);
      d.start();
      return d;
    }

    @Override
    public void resourceOffers(SchedulerDriver driver, List<Offer> offers) {
      for (Offer o : offers) {
        Resources left = Resources.fromProto(o.getResourcesList());
        List<TaskInfo> tasks = new ArrayList<>();
        while (launched.get() < most && left.contains(TASK)) {
          tasks.add(TaskInfos.command(role + "-" + launched.incrementAndGet(), o, TASK, TaskInfos.shell("hold")));
          left = left.minus(TASK);
        }
        if (tasks.isEmpty()) {
          driver.declineOffer(o.getId(), Filters.newBuilder().setRefuseSeconds(1).build());
        } else {
          driver.launchTasks(List.of(o.getId()), tasks, Filters.newBuilder().setRefuseSeconds(1).build());
        }
      }
    }

    @Override
    public void preemptionNotice(SchedulerDriver driver, SchedulerEvent.PreemptionNotice notice) {
      firstNotice.compareAndSet(0, System.nanoTime());
    }

    @Override
    public void statusUpdate(SchedulerDriver driver, TaskStatus status) {
      if (status.getState() == TaskState.TASK_RUNNING) {
        if (running.incrementAndGet() == most / 2) {
          halfway.compareAndSet(0, System.nanoTime());
        }
      } else if (io.corral.common.task.TaskStates.isTerminal(status.getState())) {
        running.decrementAndGet();
        if (status.getReason() == TaskStatusReason.REASON_PREEMPTED) {
          preempted.incrementAndGet();
        }
      }
    }
  }
}
