package io.corral.netns;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.corral.bridges.testkit.Http;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringTokenizer;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
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
 * README's text. The steps done once (publishing the bundles) are run by whichever class of the
 * shared cluster needs them first ({@link SharedCluster#publishBundles}). At the end the
 * walk-through's frameworks still registered (the Nimbus's) are torn down.
 */
@Timeout(value = 12, unit = TimeUnit.MINUTES)
@ExtendWith(SharedCluster.Resolver.class)
class WalkThroughIT {
  private static final Duration STEP = Duration.ofMinutes(5);

  private static SharedCluster shared;
  private static MultiHostCluster cluster;
  private static HostShell shell;
  /** The frameworks the leader had before the walk-through: the others are the walk-through's. */
  private static Set<String> before;

  @RegisterExtension
  static final DescribeOnFailure DESCRIBE = new DescribeOnFailure(WalkThroughIT::describe);

  @BeforeAll
  static void useCluster(SharedCluster c) throws Exception {
    shared = c;
    cluster = c.cluster();
    shell = new HostShell(cluster, "step");
    c.hdfs();
  }

  /**
   * Ends what the steps started (the Nimbus), keeping each step's output in its directory, and tears
   * down the walk-through's frameworks still registered (the Nimbus's, which fails over when the
   * Nimbus ends and keeps its Supervisors), so the cluster is as the other classes expect it.
   */
  @AfterAll
  static void stopCommands() throws IOException {
    if (shell == null) {
      return;
    }
    shell.close();
    if (before != null) {
      Host leader = cluster.awaitSteady(Duration.ofSeconds(60));
      cluster.tearDown(leader, cluster.frameworks(leader, f -> !before.contains(f.path("id").asText())),
          Duration.ofSeconds(60));
    }
  }

  @Test
  void theReadmesWalkThroughRunsAMapReduceJobASparkApplicationAndAStormTopologyOnSeparateMachines() throws Exception {
    List<Walkthrough.Step> steps = Walkthrough.read(Walkthrough.readme());
    before = frameworkIds(cluster.awaitSteady(Duration.ofSeconds(60)));
    Map<String, String> outputs = new LinkedHashMap<>();
    for (Walkthrough.Step step : steps) {
      if (step.startsWith("bin/corral master ") || step.startsWith("bin/corral agent ")) {
        // Started by the harness (MultiHostCluster): the same command with the test's options added.
        assertThat(step.command()).as("the masters and agents the harness starts")
            .isIn("bin/corral master --zk zk://zk1:2181/corral", "bin/corral agent --master zk://zk1:2181/corral");
        continue;
      }
      if (step.once()) {
        // Publishing the bundles: run as written by whichever class asks first (SharedPoolIT may have).
        shared.publishBundles(shell, STEP);
        continue;
      }
      for (String machine : step.machines()) {
        Host host = shared.machine(machine);
        if (step.startsWith("bin/corral storm nimbus ")) {
          Daemon nimbus = shell.start(host, step.command());
          nimbus.awaitLine("nimbus: \\S+", STEP);
        } else {
          outputs.put(step.command(), shell.run(host, step.command(), STEP));
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

  private static String describe() {
    if (shared == null) {
      return "(no cluster)";
    }
    return shared.describe() + (shell == null ? "" : shell.describe());
  }
}
