package io.corral.netns;

import com.fasterxml.jackson.databind.JsonNode;
import io.corral.bridges.testkit.Http;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * What each role holds, over time: the leader's {@code GET /api/v1/roles} (and how many agents are
 * not {@code ACTIVE}, from {@code GET /api/v1/agents}) read every {@code period} on a thread of its
 * own, each answer kept as a {@link Sample} with the time it was taken, so that a test can say
 * afterwards whether a role held its guarantee at every moment of a stretch, and when it first did.
 */
final class RoleWatch implements AutoCloseable {
  /** One role in one answer: what {@code /api/v1/roles} says of it. */
  record Role(String name, Map<String, Double> allocated, int frameworks, long preemptions) {
    /** Whether it holds at least {@code amounts} of each resource named. */
    boolean holds(Map<String, Double> amounts) {
      return amounts.entrySet().stream().allMatch(e -> allocated.getOrDefault(e.getKey(), 0.0) >= e.getValue() - 1e-6);
    }

    double cpus() {
      return allocated.getOrDefault("cpus", 0.0);
    }
  }

  /**
   * One answer: its time ({@link System#nanoTime}), its roles by name, and the agents not
   * {@code ACTIVE} then (an agent that missed its pings: its tasks do not count meanwhile).
   */
  record Sample(long nanos, Map<String, Role> roles, int inactiveAgents) {
    /** The role, or one holding nothing if the answer did not list it. */
    Role role(String name) {
      return roles.getOrDefault(name, new Role(name, Map.of(), 0, 0));
    }

    /** Whether every agent was {@code ACTIVE}. */
    boolean settled() {
      return inactiveAgents == 0;
    }

    /** Seconds from {@code startNanos} to this sample. */
    double secondsSince(long startNanos) {
      return (nanos - startNanos) / 1e9;
    }
  }

  private final Supplier<String> masterUrl;
  private final List<Sample> samples = new CopyOnWriteArrayList<>();
  private final AtomicInteger failures = new AtomicInteger();
  private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "role-watch");
    t.setDaemon(true);
    return t;
  });

  private RoleWatch(Supplier<String> masterUrl) {
    this.masterUrl = masterUrl;
  }

  /** Starts reading the master at {@code masterUrl} (asked for again at each read: the leader's) every {@code period}. */
  static RoleWatch start(Supplier<String> masterUrl, Duration period) {
    RoleWatch w = new RoleWatch(masterUrl);
    w.thread.scheduleWithFixedDelay(w::read, 0, period.toMillis(), TimeUnit.MILLISECONDS);
    return w;
  }

  private void read() {
    try {
      String url = masterUrl.get();
      JsonNode answer = Http.json(url + "api/v1/roles");
      long now = System.nanoTime();
      int inactive = 0;
      for (JsonNode agent : Http.json(url + "api/v1/agents")) {
        if (!agent.path("status").asText().equals("ACTIVE")) {
          inactive++;
        }
      }
      Map<String, Role> roles = new LinkedHashMap<>();
      answer.path("roles").forEach(r -> {
        Map<String, Double> allocated = new LinkedHashMap<>();
        r.path("allocated").properties().forEach(e -> allocated.put(e.getKey(), e.getValue().asDouble()));
        String name = r.path("name").asText();
        roles.put(name, new Role(name, allocated, r.path("frameworks").asInt(), r.path("preemptions").asLong()));
      });
      samples.add(new Sample(now, roles, inactive));
    } catch (RuntimeException | AssertionError e) {
      failures.incrementAndGet(); // a leader changing, or a slow answer: the next read tries again
    }
  }

  /** Every sample so far, oldest first. */
  List<Sample> samples() {
    return new ArrayList<>(samples);
  }

  /** The latest sample, if any. */
  Optional<Sample> latest() {
    return samples.isEmpty() ? Optional.empty() : Optional.of(samples.get(samples.size() - 1));
  }

  /** The first sample at or after {@code fromNanos} in which {@code role} satisfies {@code test}. */
  Optional<Sample> first(long fromNanos, String role, Predicate<Role> test) {
    return samples.stream().filter(s -> s.nanos() >= fromNanos && test.test(s.role(role))).findFirst();
  }

  /**
   * The samples from {@code fromNanos} to {@code toNanos}, taken while every agent was
   * {@code ACTIVE}, in which {@code role} does not satisfy {@code test}.
   */
  List<Sample> violations(long fromNanos, long toNanos, String role, Predicate<Role> test) {
    return samples.stream().filter(s -> s.nanos() >= fromNanos && s.nanos() <= toNanos && s.settled()
        && !test.test(s.role(role))).toList();
  }

  /** The number of samples from {@code fromNanos} to {@code toNanos} taken while some agent was not {@code ACTIVE}. */
  long unsettled(long fromNanos, long toNanos) {
    return samples.stream().filter(s -> s.nanos() >= fromNanos && s.nanos() <= toNanos && !s.settled()).count();
  }

  /** The number of samples from {@code fromNanos} to {@code toNanos}. */
  long count(long fromNanos, long toNanos) {
    return samples.stream().filter(s -> s.nanos() >= fromNanos && s.nanos() <= toNanos).count();
  }

  /** Reads that failed (no answer, not 200). */
  int failures() {
    return failures.get();
  }

  @Override
  public void close() {
    thread.shutdownNow();
  }
}
