package io.corral.benchmarks;

import io.corral.master.Master;
import io.corral.master.MasterConfig;
import io.corral.master.http.StateSnapshot;
import io.corral.scheduler.CorralSchedulerDriver;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The HTTP API at scale: N simulated agents and F frameworks launching flat out until every
 * framework holds its 1,000 completed tasks; then the frameworks suppress offers, the tasks in
 * flight finish, and GET /api/v1/state, /api/v1/agents and /metrics are timed, with the time the
 * master's loop is held to capture the state (the rest, serialising, happens on the HTTP threads).
 */
final class StateScenario {
  private StateScenario() {}

  /** What to run. */
  record Options(int agents, int frameworks, Duration fill, int requests, int agentsPerChannel) {}


  static List<Figure> run(Options o) throws Exception {
    System.out.printf("%n## HTTP state: %,d simulated agents, %d frameworks launching%n", o.agents(), o.frameworks());
    List<Figure> figures = new ArrayList<>();
    try (Master master = new Master(MasterConfig.builder().port(0).build()).start();
        SimulatedAgentsProcess sims = SimulatedAgentsProcess.start(master.address(), o.agents(), o.agentsPerChannel(), 2)) {
      System.out.printf("%,d agents registered in %.1f s; HTTP at %s%n", o.agents(), sims.registerSeconds(),
          master.httpUrl());
      BenchFrameworks.LoadCounters counters = new BenchFrameworks.LoadCounters();
      List<CorralSchedulerDriver> drivers = BenchFrameworks.startAll(o.frameworks(), master.address(),
          i -> new BenchFrameworks.Loading(i, counters), Duration.ofMinutes(1));
      try {
        Thread.sleep(o.fill().toMillis()); // the load fills every framework's completed tasks
        // Measure a large state, not a saturated loop: the frameworks stop taking offers and the
        // tasks in flight finish (the throughput scenario keeps the master's loop full by design).
        drivers.forEach(CorralSchedulerDriver::suppressOffers);
        long settle = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (master.query(v -> v.frameworks().stream().mapToInt(f -> f.activeTasks()).sum()).get() > 0
            && System.nanoTime() < settle) {
          Thread.sleep(200); // waiting for the tasks in flight to finish, with a deadline
        }
        HttpClient http = HttpClient.newHttpClient();
        Result state = time(http, master.httpUrl() + "api/v1/state", o.requests());
        Result agents = time(http, master.httpUrl() + "api/v1/agents", o.requests());
        Result metrics = time(http, master.httpUrl() + "metrics", o.requests());
        double[] capture = new double[o.requests()];
        int[] sizes = new int[3];
        for (int i = 0; i < capture.length; i++) {
          long t = System.nanoTime();
          StateSnapshot s = master.query(v -> StateSnapshot.capture(v, "", Instant.now())).get();
          capture[i] = (System.nanoTime() - t) / 1e6;
          sizes[0] = s.agents().size();
          sizes[1] = s.tasks().size();
          sizes[2] = s.completedTasks().size();
        }
        Arrays.sort(capture);
        System.out.printf("state held %,d agents, %,d live tasks, %,d completed tasks; %,.1f MB of JSON%n", sizes[0],
            sizes[1], sizes[2], state.bytes / 1e6);
        System.out.printf("launches went on meanwhile: %,d tasks launched in all%n", counters.launched.sum());
        System.out.println("  " + state.line("GET /api/v1/state"));
        System.out.println("  " + agents.line("GET /api/v1/agents"));
        System.out.println("  " + metrics.line("GET /metrics"));
        System.out.printf("  capture on the master's loop: median %.0f ms, max %.0f ms%n", capture[capture.length / 2],
            capture[capture.length - 1]);
        String shape = String.format("%,d agents, %,d completed tasks", sizes[0], sizes[2]);
        figures.add(new Figure("GET /api/v1/state, " + shape + " (median)", String.format("%.0f ms", state.median()),
            "≤ 1 s", "Mesos /state ≈ 3 s on a large cluster"));
        figures.add(new Figure("GET /api/v1/agents, " + String.format("%,d", sizes[0]) + " agents (median)",
            String.format("%.0f ms", agents.median()), "—", "—"));
        figures.add(new Figure("state capture holding the master's loop (median)",
            String.format("%.0f ms", capture[capture.length / 2]), "—", "—"));
      } finally {
        BenchFrameworks.stopAll(drivers);
      }
    }
    return figures;
  }

  private record Result(double[] millis, long bytes) {
    double median() {
      return millis[millis.length / 2];
    }

    String line(String what) {
      return String.format("%s: median %.0f ms, max %.0f ms, %,d bytes", what, median(), millis[millis.length - 1],
          bytes);
    }
  }

  private static Result time(HttpClient http, String url, int n) throws Exception {
    double[] ms = new double[n];
    long bytes = 0;
    for (int i = 0; i < n; i++) {
      long t = System.nanoTime();
      HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
          HttpResponse.BodyHandlers.ofByteArray());
      ms[i] = (System.nanoTime() - t) / 1e6;
      if (r.statusCode() != 200) {
        throw new IllegalStateException(url + " answered " + r.statusCode());
      }
      bytes = r.body().length;
    }
    Arrays.sort(ms);
    return new Result(ms, bytes);
  }
}
