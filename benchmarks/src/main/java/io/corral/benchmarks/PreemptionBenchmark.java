package io.corral.benchmarks;

import io.corral.common.resources.Resources;
import io.corral.master.Master;
import io.corral.master.MasterConfig;
import io.corral.scheduler.CorralSchedulerDriver;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Locale;
import java.util.function.BooleanSupplier;

/**
 * Time for an under-served role to reach its guarantee from the moment it has demand: a framework
 * of role {@code flood} fills every agent; role {@code arriving} is given a guarantee of half the
 * pool's cpus and mem; then its framework subscribes (the moment it has demand) and launches a task
 * on every offer. The run reports, from that moment, when the flood's framework got its first
 * notice, and when the arriving role held half and all of its guarantee, against
 * {@code --preemption-grace}.
 *
 * <p>Two pools: {@code --cluster=simulated} (the default), the real master with
 * {@link SimulatedAgents} (tasks held until killed), 10,000 agents by default; and
 * {@code --cluster=local}, a real local cluster ({@link LocalProcessCluster}): the master in this
 * JVM, 4 agent processes of {@code cpus:2;mem:1024} by default, and {@code sleep 600} command tasks of
 * a quarter of an agent, run by the real command executor.
 *
 * <pre>
 * ./mvnw -B -q -pl benchmarks -am package -DskipTests
 * java -cp "benchmarks/target/corral-benchmarks.jar:benchmarks/target/lib/*" \
 *     io.corral.benchmarks.PreemptionBenchmark [--cluster=simulated|local] [--agents=N] [--grace=10s] \
 *     [--agents-per-channel=500]
 * </pre>
 */
public final class PreemptionBenchmark {
  /** Each task takes half a simulated agent ({@link SimulatedAgentsProcess#AGENT_RESOURCES}). */
  private static final Resources SIMULATED_TASK = Resources.parse("cpus:4;mem:16384");
  /** What each agent process of the local cluster offers. */
  private static final Resources LOCAL_AGENT = Resources.parse("cpus:2;mem:1024");
  /** A quarter of a local agent. */
  private static final Resources LOCAL_TASK = Resources.parse("cpus:0.5;mem:256");
  private static final String LOCAL_COMMAND = "sleep 600";

  private PreemptionBenchmark() {}

  /** What the frameworks run on a pool, and how much of it there is. */
  private record Pool(String master, String httpUrl, int agents, Resources total, Resources task, String command) {
    long tasks() {
      return Math.round(total.cpus() / task.cpus());
    }
  }

  public static void main(String[] args) throws Exception {
    String cluster = "simulated";
    Integer agents = null;
    Duration grace = Duration.ofSeconds(10);
    int perChannel = 500;
    for (String arg : args) {
      if (arg.startsWith("--cluster=")) {
        cluster = arg.substring("--cluster=".length());
      } else if (arg.startsWith("--agents=")) {
        agents = Integer.parseInt(arg.substring("--agents=".length()));
      } else if (arg.startsWith("--grace=")) {
        grace = Duration.parse("PT" + arg.substring("--grace=".length()).toUpperCase(Locale.ROOT));
      } else if (arg.startsWith("--agents-per-channel=")) {
        perChannel = Integer.parseInt(arg.substring("--agents-per-channel=".length()));
      } else {
        System.err.println("unknown argument " + arg);
        System.exit(2);
      }
    }
    switch (cluster) {
      case "simulated" -> runSimulated(agents == null ? 10_000 : agents, grace, perChannel);
      case "local" -> runLocal(agents == null ? 4 : agents, grace);
      default -> {
        System.err.println("--cluster is simulated or local, not " + cluster);
        System.exit(2);
      }
    }
    System.exit(0);
  }

  private static void runSimulated(int agents, Duration grace, int perChannel) throws Exception {
    System.out.printf("## Preemption: %,d simulated agents, %,d tasks flooding, grace %s%n", agents, 2L * agents,
        grace);
    MasterConfig config = MasterConfig.builder().port(0).httpPort(0).preemptionGrace(grace)
        .workDir(Files.createTempDirectory("corral-preemption-bench")).build();
    try (Master master = new Master(config).start();
        SimulatedAgentsProcess sims = SimulatedAgentsProcess.start(master.address(), agents, perChannel, "hold")) {
      System.out.printf("%,d agents registered in %.1f s%n", agents, sims.registerSeconds());
      Resources each = Resources.parse(SimulatedAgentsProcess.AGENT_RESOURCES).scalarsOnly();
      measure(new Pool(master.address().toString(), master.httpUrl(), agents, times(each, agents), SIMULATED_TASK,
          "hold"), grace);
    }
  }

  private static void runLocal(int agents, Duration grace) throws Exception {
    Resources total = times(LOCAL_AGENT, agents);
    System.out.printf("## Preemption: a local cluster of %d agent processes (%s each), %d '%s' tasks flooding, "
        + "grace %s%n", agents, LOCAL_AGENT, Math.round(total.cpus() / LOCAL_TASK.cpus()), LOCAL_COMMAND, grace);
    System.out.println(Machine.describe());
    long t0 = System.nanoTime();
    try (LocalProcessCluster pool = LocalProcessCluster.start("preemption-local", b -> b.agents(agents)
        .agentResources(LOCAL_AGENT).masterConfig(m -> m.httpPort(0).preemptionGrace(grace)))) {
      System.out.printf("%d agents registered in %.1f s%n", agents, (System.nanoTime() - t0) / 1e9);
      measure(new Pool(pool.master(), pool.httpUrl(), agents, total, LOCAL_TASK, LOCAL_COMMAND), grace);
    }
    System.out.println("load average at the end: " + Machine.loadAverage());
  }

  private static void measure(Pool pool, Duration grace) throws Exception {
    long tasks = pool.tasks();
    PreemptionFramework flood = new PreemptionFramework("flood", pool.task(), pool.command(), Long.MAX_VALUE);
    CorralSchedulerDriver floodDriver = flood.start(pool.master());
    long t0 = System.nanoTime();
    await(() -> flood.running() >= tasks, Duration.ofMinutes(10), "the flood's " + tasks + " tasks running");
    System.out.printf("flood: %,d tasks running after %.1f s%n", tasks, (System.nanoTime() - t0) / 1e9);

    double cpus = pool.total().cpus() / 2;
    double mem = pool.total().mem() / 2;
    put(pool.httpUrl() + "api/v1/quota/arriving?force=true",
        String.format(Locale.ROOT, "{\"guarantee\": {\"cpus\": %.1f, \"mem\": %.1f}}", cpus, mem));
    long needed = tasks / 2;
    PreemptionFramework arriving = new PreemptionFramework("arriving", pool.task(), pool.command(), needed);
    long demand = System.nanoTime();
    CorralSchedulerDriver arrivingDriver = arriving.start(pool.master());
    await(() -> arriving.running() >= needed, grace.plusMinutes(10), "the arriving role's guarantee");
    long served = System.nanoTime();
    System.out.printf("%n| agents | tasks preempted | grace | first notice | half the guarantee | guarantee |%n");
    System.out.printf("| ---: | ---: | ---: | ---: | ---: | ---: |%n");
    System.out.printf("| %,d | %,d | %.0f s | %.2f s | %.2f s | %.2f s |%n", pool.agents(), flood.preempted(),
        grace.toMillis() / 1000.0, (flood.firstNotice() - demand) / 1e9, (arriving.halfway() - demand) / 1e9,
        (served - demand) / 1e9);
    System.out.printf("(times from the arriving framework's subscription; the guarantee is %,.0f cpus, %,d tasks)%n",
        cpus, needed);
    System.out.printf("the flood's first task preempted at %.2f s; the arriving role's first launch at %.2f s, "
        + "its first task running at %.2f s%n", (flood.firstPreempted() - demand) / 1e9,
        (arriving.firstLaunch() - demand) / 1e9, (arriving.firstRunning() - demand) / 1e9);
    arrivingDriver.stop();
    floodDriver.stop();
    arrivingDriver.join();
    floodDriver.join();
  }

  /** {@code each}'s scalars {@code n} times over. */
  private static Resources times(Resources each, int n) {
    Resources.Builder b = Resources.builder();
    each.scalarsOnly().scalars().forEach((name, value) -> b.scalar(name, value * n));
    return b.build();
  }

  /** Polls {@code done} until it holds; fails after {@code timeout}. */
  private static void await(BooleanSupplier done, Duration timeout, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("no " + what + " within " + timeout);
      }
      Thread.sleep(20); // polling the frameworks' counts, not synchronising on time
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
}
