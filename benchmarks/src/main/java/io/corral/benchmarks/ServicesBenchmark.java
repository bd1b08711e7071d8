package io.corral.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.corral.common.resources.Resources;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Deploying many instances through the services framework (Marathon's v2 REST API): on a real local
 * cluster ({@link LocalProcessCluster}: the master in this JVM, agent processes, the command
 * executors and the tasks as processes) and {@code corral services} as a process of its own
 * ({@link ServicesProcess}), each run POSTs one app of {@code --instances} {@code sleep} tasks
 * (0.01 cpus, 16 MiB each) and polls {@code GET /v2/apps/{id}} until all run, then PUTs
 * {@code instances: 0} and polls until none runs, the master holds none of the framework's tasks and
 * no {@code sleep} process is left. See docs/benchmarks.md, "Services: deploying 1,000 instances".
 *
 * <pre>
 * ./mvnw -B -q -pl benchmarks -am package -DskipTests
 * java -cp "benchmarks/target/corral-benchmarks.jar:benchmarks/target/lib/*" \
 *     io.corral.benchmarks.ServicesBenchmark [--instances=1000] [--runs=2] [--agents=2]
 * </pre>
 */
@Command(name = "services-benchmark", mixinStandardHelpOptions = true,
    description = "Time to deploy, and to scale to 0, one app of many instances through corral services.")
public final class ServicesBenchmark implements Callable<Integer> {
  /** The goal: 1,000 instances all running (and all gone again) within this many seconds. */
  static final double GOAL_SECONDS = 15;
  private static final java.util.logging.Logger GRPC_LOG = java.util.logging.Logger.getLogger("io.grpc");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> TERMINAL = Set.of("TASK_FINISHED", "TASK_FAILED", "TASK_KILLED", "TASK_LOST",
      "TASK_ERROR", "TASK_DROPPED", "TASK_GONE", "TASK_GONE_BY_OPERATOR");

  @Option(names = "--instances", defaultValue = "1000", description = "Instances of the app (default: ${DEFAULT-VALUE}).")
  int instances;

  @Option(names = "--runs", defaultValue = "2", description = "Runs, each a new app (default: ${DEFAULT-VALUE}).")
  int runs;

  @Option(names = "--agents", defaultValue = "2", description = "Agent processes (default: ${DEFAULT-VALUE}).")
  int agents;

  @Option(names = "--poll", defaultValue = "150ms", converter = io.corral.command.DurationConverter.class,
      description = "How often the app's counts are read (default: ${DEFAULT-VALUE}).")
  Duration poll;

  @Option(names = "--timeout", defaultValue = "5m", converter = io.corral.command.DurationConverter.class,
      description = "Longest a deployment or a scale-down may take before the run fails (default: ${DEFAULT-VALUE}).")
  Duration timeout;

  @Option(names = "--services-log", description = "Where to copy the services process's output at the end.")
  Path servicesLog;

  private final HttpClient http = HttpClient.newHttpClient();

  public static void main(String[] args) {
    if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    }
    GRPC_LOG.setLevel(java.util.logging.Level.SEVERE);
    System.exit(new CommandLine(new ServicesBenchmark())
        .setExecutionExceptionHandler((e, cmd, parsed) -> {
          System.err.println("services-benchmark: " + e.getMessage());
          return 1;
        }).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    System.out.println("# Services: deploying " + instances + " instances");
    System.out.println("# " + Machine.describe());
    System.out.printf("# %d instances (sleep, 0.01 cpus, 16 MiB) on %d agent(s), %d run(s), polled every %d ms%n",
        instances, agents, runs, poll.toMillis());
    long t0 = System.nanoTime();
    List<ServicesRun> results = new ArrayList<>();
    try (LocalProcessCluster cluster = LocalProcessCluster.start("services-bench", b -> b.agents(agents)
        .agentResources(i -> agentResources(i, instances, agents)))) {
      System.out.printf("%d agent(s) registered after %.1f s%n", agents, (System.nanoTime() - t0) / 1e9);
      Path dir = Files.createTempDirectory("corral-services-bench");
      try (ServicesProcess services = ServicesProcess.start(cluster.master(), dir, Duration.ofMinutes(2))) {
        System.out.printf("services serving at %s after %.1f s%n", services.url(), (System.nanoTime() - t0) / 1e9);
        awaitRegistered(cluster, services);
        System.out.printf("services registered with the master after %.1f s%n", (System.nanoTime() - t0) / 1e9);
        for (int r = 1; r <= runs; r++) {
          results.add(run(cluster, services, r));
        }
      } finally {
        if (servicesLog != null) {
          Files.copy(dir.resolve("services.log"), servicesLog, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        TempDir.delete(dir);
      }
    }
    System.out.printf("%n## Summary (%.0f s in all)%n%n", (System.nanoTime() - t0) / 1e9);
    ServicesRun.table(results).forEach(System.out::println);
    System.out.println();
    ServicesRun.verdict(results, GOAL_SECONDS).forEach(System.out::println);
    return 0;
  }

  /** Agent {@code i}: room for its share of the instances, twice over. */
  private static Resources agentResources(int i, int instances, int agents) {
    int share = (instances + agents - 1) / agents;
    double cpus = Math.max(4, Math.ceil(share * 0.01 * 2));
    long mem = Math.max(4096, share * 16L * 2);
    return Resources.parse("cpus:" + cpus + ";mem:" + mem);
  }

  private ServicesRun run(LocalProcessCluster cluster, ServicesProcess services, int r) throws Exception {
    String load = Machine.loadAverage();
    String id = "/bench/sleep-" + r + "-" + Long.toString(System.currentTimeMillis(), 36);
    System.out.printf("%n### run %d: %s (load average before: %s)%n", r, id, load);
    ServicesSample before = ServicesSample.now(services.pid(), cluster.agentPids());
    String app = JSON.createObjectNode().put("id", id).put("cmd", ServicesSample.TASK_COMMAND)
        .put("instances", instances).put("cpus", 0.01).put("mem", 16).toString();
    long start = System.nanoTime();
    services.createApp(app);
    double first = Double.NaN;
    double half = Double.NaN;
    long deadline = start + timeout.toNanos();
    while (true) {
      JsonNode a = services.app(id);
      int running = a.path("tasksRunning").asInt();
      double at = (System.nanoTime() - start) / 1e9;
      if (running > 0 && Double.isNaN(first)) {
        first = at;
      }
      if (2 * running >= instances && Double.isNaN(half)) {
        half = at;
      }
      if (running == instances) {
        break;
      }
      failAfter(deadline, services, "all " + instances + " running (" + running + " running, "
          + a.path("tasksStaged").asInt() + " staged)");
      Thread.sleep(poll.toMillis()); // polling the app's counts
    }
    double all = (System.nanoTime() - start) / 1e9;
    ServicesSample running = ServicesSample.now(services.pid(), cluster.agentPids());
    System.out.printf("all %d running after %.2f s (first %.2f s, half %.2f s)%n", instances, all, first, half);

    long scale = System.nanoTime();
    services.updateApp(id, "{\"instances\": 0}");
    deadline = scale + timeout.toNanos();
    while (true) {
      int appRunning = services.app(id).path("tasksRunning").asInt();
      int atMaster = appRunning == 0 ? tasksAtMaster(cluster) : -1;
      int sleeps = atMaster == 0 ? ServicesSample.now(services.pid(), cluster.agentPids()).sleeps() : -1;
      if (sleeps == 0) {
        break;
      }
      failAfter(deadline, services, "all gone (" + appRunning + " running at the app, " + atMaster
          + " at the master, " + sleeps + " sleep processes; -1: not asked yet)");
      Thread.sleep(poll.toMillis()); // polling the app's counts, the master's state, the process table
    }
    double gone = (System.nanoTime() - scale) / 1e9;
    ServicesSample after = ServicesSample.now(services.pid(), cluster.agentPids());
    System.out.printf("all gone %.2f s after the scale to 0%n", gone);
    services.removeApp(id);
    ServicesRun result = ServicesRun.of(r, load.split(" ")[0], instances, first, half, all, gone, before, running,
        after);
    result.details().forEach(System.out::println);
    return result;
  }

  /** Waits until the master lists the services framework as active: a run times deployments, not the start. */
  private void awaitRegistered(LocalProcessCluster cluster, ServicesProcess services) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (true) {
      for (JsonNode f : masterState(cluster).path("frameworks")) {
        if (f.path("name").asText().equals("services") && f.path("active").asBoolean()) {
          return;
        }
      }
      failAfter(deadline, services, "registered with the master");
      Thread.sleep(poll.toMillis()); // polling the master's state
    }
  }

  /** The services framework's tasks the master holds that are not terminal. */
  private int tasksAtMaster(LocalProcessCluster cluster) throws Exception {
    JsonNode state = masterState(cluster);
    Set<String> ids = new java.util.HashSet<>();
    state.path("frameworks").forEach(f -> {
      if (f.path("name").asText().equals("services")) {
        ids.add(f.path("id").asText());
      }
    });
    int n = 0;
    for (JsonNode t : state.path("tasks")) {
      if (ids.contains(t.path("framework_id").asText()) && !TERMINAL.contains(t.path("state").asText())) {
        n++;
      }
    }
    return n;
  }

  private JsonNode masterState(LocalProcessCluster cluster) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(cluster.httpUrl().replaceAll("/+$", "") + "/api/v1/state"))
        .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException("the master's /api/v1/state answered " + r.statusCode() + ": " + r.body());
    }
    return JSON.readTree(r.body());
  }

  private static void failAfter(long deadline, ServicesProcess services, String what) {
    if (System.nanoTime() > deadline) {
      throw new IllegalStateException("not " + what + " in time; the services process's last output:\n"
          + services.tailOfLog());
    }
  }
}
