package io.corral.netns;

import io.corral.common.testing.Capabilities;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The one cluster the multi-host test classes share (ZooKeeper, three masters, three agents, a
 * client; an HDFS machine once a test asks for it): started by the first class that needs it, kept
 * in JUnit's root store and closed after the last. Each case leaves it steady (one leader, every
 * agent active, no partition, no framework or quota of its own left), so the classes run in any
 * order; the bundles the README's walk-through publishes are pushed once, by the first class that
 * needs them ({@link #publishBundles}).
 */
final class SharedCluster implements AutoCloseable {
  /**
   * Big enough for the walk-through's MapReduce job, Spark executors and Storm Supervisors, and for
   * the shared-pool scenario's two MapReduce jobs, two Spark executors and a Storm Supervisor on 6
   * cpus in all (memory is no constraint there: cpus are what the roles contend for).
   */
  static final String AGENT_RESOURCES = "cpus:2;mem:8192;disk:16384;ports:[31000-31099]";

  private final MultiHostCluster cluster;
  private Host nn;
  private Daemon hdfs;
  private boolean published;

  private SharedCluster(MultiHostCluster cluster) {
    this.cluster = cluster;
  }

  /** The cluster. */
  MultiHostCluster cluster() {
    return cluster;
  }

  /** The HDFS machine ({@code nn}: a namenode on port 8020 and a datanode), started on first use. */
  synchronized Host hdfs() throws Exception {
    if (nn == null) {
      Host host = cluster.net.add("nn");
      List<String> argv = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx384m",
          "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), HdfsHost.class.getName(), host.address(),
          cluster.dir.resolve("hdfs").toString());
      hdfs = Daemon.start("hdfs", host, argv, Map.of(), cluster.dir.resolve("hdfs.log"));
      hdfs.awaitLine("hdfs: hdfs://.*", MultiHostCluster.START);
      nn = host;
    }
    return nn;
  }

  /** The README walk-through's machine names ({@code m1}, {@code a2}, {@code nn}, {@code client}): the hosts. */
  Host machine(String name) throws Exception {
    return switch (name) {
      case "client" -> cluster.clientHost;
      case "nn" -> hdfs();
      case "m1", "m2", "m3" -> cluster.masterHosts.get(name.charAt(1) - '1');
      case "a1", "a2", "a3" -> cluster.agentHosts.get(name.charAt(1) - '1');
      default -> throw new AssertionError("the walk-through names a machine the test does not have: " + name);
    };
  }

  /**
   * The walk-through's steps to be done once ({@code # client: publish the bridges' bundles to HDFS,
   * once}), run as written through {@code shell} by the first class that asks; later calls find them
   * done, so the classes push the bundles once between them, whichever runs first.
   */
  synchronized void publishBundles(HostShell shell, Duration within) throws Exception {
    if (published) {
      return;
    }
    for (Walkthrough.Step step : Walkthrough.read(Walkthrough.readme())) {
      if (step.once()) {
        for (String name : step.machines()) {
          shell.run(machine(name), step.command(), within);
        }
      }
    }
    published = true;
  }

  /** The cluster, its HDFS daemon included: for failure messages. */
  synchronized String describe() {
    return cluster.describe() + (hdfs == null ? "" : hdfs.describe());
  }

  /**
   * Gives a test class's {@code @BeforeAll} method (or a test) the shared cluster as a parameter of
   * type {@link SharedCluster}, starting it on first use (skipped where namespaces cannot be made,
   * failed there under {@code CI=true}).
   */
  static final class Resolver implements ParameterResolver {
    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
      return parameter.getParameter().getType() == SharedCluster.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
      return context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
          .computeIfAbsent(SharedCluster.class, k -> start(), SharedCluster.class);
    }
  }

  private static SharedCluster start() {
    String missing = Network.unavailableReason();
    Capabilities.require(missing == null, "the multi-host tests", missing);
    try {
      Path dir = Path.of(System.getProperty("corral.test.tmp", "target/it-tmp")).toAbsolutePath().resolve("multi-host");
      NetworkFaultsIT.deleteTree(dir);
      Files.createDirectories(dir);
      return new SharedCluster(MultiHostCluster.start(dir, Distribution.home(), 3, 3, AGENT_RESOURCES));
    } catch (Exception e) {
      throw new IllegalStateException("the multi-host cluster did not start: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    if (hdfs != null) {
      hdfs.close();
    }
    cluster.close();
  }
}
