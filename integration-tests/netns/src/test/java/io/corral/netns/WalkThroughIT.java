package io.corral.netns;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.corral.it.Http;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringTokenizer;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The README's multi-machine walk-through, its lines run as they are written, each on the machine
 * it names: ZooKeeper ({@code zk1}), three masters ({@code m1..m3}), three agents ({@code a1..a3}),
 * an HDFS machine ({@code nn}: a namenode and a datanode) and a client, each a network namespace
 * of its own whose {@code /etc/hosts} knows the others by those names. Nothing is shared but the
 * network (and the read-only distribution): the agents fetch the bundles the client published to
 * HDFS. A MapReduce job, a Spark application and a Storm topology run, and their results are
 * checked.
 *
 * <p>The masters and agents are started by the cluster harness with the README's commands plus the
 * test's own options (fixed ports, work directories, shorter timeouts); everything else is the
 * README's text.
 */
@Timeout(value = 12, unit = TimeUnit.MINUTES)
@ExtendWith(SharedCluster.Resolver.class)
class WalkThroughIT {
  private static final Duration STEP = Duration.ofMinutes(5);

  private static SharedCluster shared;
  private static MultiHostCluster cluster;
  private static Host nn;
  private static final List<Daemon> commands = new ArrayList<>();

  @RegisterExtension
  static final DescribeOnFailure DESCRIBE = new DescribeOnFailure(WalkThroughIT::describe);

  @BeforeAll
  static void useCluster(SharedCluster c) throws Exception {
    shared = c;
    cluster = c.cluster();
    nn = c.hdfs();
  }

  /** Ends what the steps started (the Nimbus), keeping each step's output in its directory. */
  @AfterAll
  static void stopCommands() throws IOException {
    for (int i = 0; i < commands.size(); i++) {
      Daemon c = commands.get(i);
      c.close();
      Files.write(cluster.dir.resolve("step-" + (i + 1) + "-" + c.host().name() + ".out"), c.stdout());
    }
  }

  @Test
  void theReadmesWalkThroughRunsAMapReduceJobASparkApplicationAndAStormTopologyOnSeparateMachines() throws Exception {
    List<Walkthrough.Step> steps = Walkthrough.read(readme());
    Set<String> before = frameworkIds(cluster.awaitSteady(Duration.ofSeconds(60)));
    Map<String, String> outputs = new LinkedHashMap<>();
    for (Walkthrough.Step step : steps) {
      if (step.startsWith("bin/corral master ") || step.startsWith("bin/corral agent ")) {
        // Started by the harness (MultiHostCluster): the same command with the test's options added.
        assertThat(step.command()).as("the masters and agents the harness starts")
            .isIn("bin/corral master --zk zk://zk1:2181/corral", "bin/corral agent --master zk://zk1:2181/corral");
        continue;
      }
      for (String machine : step.machines()) {
        Host host = machine(machine);
        if (step.startsWith("bin/corral storm nimbus ")) {
          Daemon nimbus = start(host, step.command());
          nimbus.awaitLine("nimbus: \\S+", STEP);
        } else {
          outputs.put(step.command(), run(host, step.command()));
        }
      }
    }

    // Hadoop's WordCount of LICENSE and NOTICE, as `hadoop fs -cat /wordcount/part-*` printed it.
    Map<String, Long> counted = new TreeMap<>();
    for (String line : output(outputs, "FsShell -cat").split("\n")) {
      String[] kv = line.split("\t");
      if (kv.length == 2) {
        counted.put(kv[0], Long.parseLong(kv[1]));
      }
    }
    assertThat(counted).as("the MapReduce job's output").isEqualTo(wordCount("LICENSE", "NOTICE"));

    // The Spark application: 100000 lines of five sentences (32 words every five lines).
    String spark = output(outputs, "bin/spark-submit");
    assertThat(spark).contains("wordcount: 640000 words, 27 distinct in 100000 lines");
    assertThat(spark).containsPattern("counts: .*\\bthe=80000\\b").containsPattern("counts: .*\\bseven=40000\\b");

    // The Storm topology's main saw its 2000 sentences acked.
    Matcher acked = java.util.regex.Pattern.compile("(?m)^acked: (\\d+) sentences on (.*)$")
        .matcher(output(outputs, "bin/storm jar"));
    assertThat(acked.find()).as("the topology's main printed 'acked: ...'").isTrue();
    assertThat(Long.parseLong(acked.group(1))).isGreaterThanOrEqualTo(2000);

    // The three frameworks' tasks ran on the agents, more than one of them.
    Host leader = cluster.awaitLeader(Duration.ofSeconds(30));
    JsonNode state = Http.json(MultiHostCluster.httpUrl(leader) + "api/v1/state");
    Set<String> ours = frameworkIds(leader);
    ours.removeAll(before);
    Set<String> agentsUsed = new HashSet<>();
    for (String key : List.of("tasks", "completed_tasks")) {
      state.path(key).forEach(t -> {
        if (ours.contains(t.path("framework_id").asText())) {
          agentsUsed.add(t.path("agent_id").asText());
        }
      });
    }
    assertThat(ours).as("the walk-through's frameworks (MapReduce job, Spark application, Storm)").hasSizeGreaterThanOrEqualTo(3);
    assertThat(agentsUsed).as("agents that ran their tasks").hasSizeGreaterThanOrEqualTo(2);
  }

  /** Every framework the leader knows, running or completed. */
  private static Set<String> frameworkIds(Host leader) {
    JsonNode state = Http.json(MultiHostCluster.httpUrl(leader) + "api/v1/state");
    Set<String> ids = new HashSet<>();
    for (String key : List.of("frameworks", "completed_frameworks")) {
      state.path(key).forEach(f -> ids.add(f.path("id").asText()));
    }
    return ids;
  }

  /** The README's machine names: the harness's hosts. */
  private static Host machine(String name) {
    return switch (name) {
      case "client" -> cluster.clientHost;
      case "nn" -> nn;
      case "m1", "m2", "m3" -> cluster.masterHosts.get(name.charAt(1) - '1');
      case "a1", "a2", "a3" -> cluster.agentHosts.get(name.charAt(1) - '1');
      default -> throw new AssertionError("the walk-through names a machine the test does not have: " + name);
    };
  }

  /**
   * A machine's working directory: the distribution's entries linked into a directory of its own,
   * so that what a step writes (the Hadoop bundle's {@code bundle/}) stays on that machine.
   */
  private static Path home(Host host) throws IOException {
    Path home = cluster.dir.resolve(host.name() + "-home");
    if (!Files.isDirectory(home)) {
      Files.createDirectories(home);
      try (Stream<Path> entries = Files.list(cluster.dist)) {
        for (Path e : entries.toList()) {
          Files.createSymbolicLink(home.resolve(e.getFileName()), e);
        }
      }
    }
    return home;
  }

  /** {@code command} started with bash in {@code host}'s working directory; its stderr in a log of its own. */
  private static Daemon start(Host host, String command) throws IOException {
    int n = commands.size() + 1;
    Path log = cluster.dir.resolve("step-" + n + "-" + host.name() + ".log");
    Map<String, String> env = Map.of("JAVA_HOME", System.getProperty("java.home"),
        "CORRAL_HEAP_OPTS", "-Xmx256m", "CORRAL_JAVA_OPTS", "-XX:+UseSerialGC -XX:TieredStopAtLevel=1",
        "CORRAL_LOG_DIR", cluster.dir.resolve("step-" + n + "-logs").toString());
    Daemon d = Daemon.start("step " + n + " (" + command + ")", host,
        List.of("bash", "-c", "cd " + home(host) + " && " + command), env, log);
    commands.add(d);
    return d;
  }

  /** Runs {@code command} on {@code host} to its end; returns its stdout, having checked that it exited 0. */
  private static String run(Host host, String command) throws Exception {
    long start = System.nanoTime();
    Daemon d = start(host, command);
    int rc = d.awaitExit(STEP);
    String out = String.join("\n", d.stdout());
    System.out.printf("walk-through: %.1f s on %s: %s%n", (System.nanoTime() - start) / 1e9, host.name(), command);
    assertThat(rc).as("`%s` on %s exited %d\n%s", command, host, rc, d.describe()).isZero();
    return out;
  }

  private static String output(Map<String, String> outputs, String fragment) {
    return outputs.entrySet().stream().filter(e -> e.getKey().contains(fragment)).map(Map.Entry::getValue)
        .findFirst().orElseThrow(() -> new AssertionError("the walk-through has no step with '" + fragment + "'"));
  }

  /** Hadoop's WordCount of these distribution files (words split as its StringTokenizer splits them). */
  private static Map<String, Long> wordCount(String... files) throws IOException {
    Map<String, Long> m = new TreeMap<>();
    for (String f : files) {
      StringTokenizer t = new StringTokenizer(Files.readString(cluster.dist.resolve(f)));
      while (t.hasMoreTokens()) {
        m.merge(t.nextToken(), 1L, Long::sum);
      }
    }
    return m;
  }

  private static Path readme() {
    return Path.of(System.getProperty("corral.readme", "../../README.md")).toAbsolutePath().normalize();
  }

  private static String describe() {
    if (shared == null) {
      return "(no cluster)";
    }
    StringBuilder b = new StringBuilder(shared.describe());
    commands.forEach(c -> b.append(c.describe()));
    return b.toString();
  }
}
