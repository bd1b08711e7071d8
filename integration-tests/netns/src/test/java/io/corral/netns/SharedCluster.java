package io.corral.netns;

import io.corral.common.testing.Capabilities;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The one cluster the multi-host test classes share (ZooKeeper, three masters, three agents, a
 * client; an HDFS machine once a test asks for it): started by the first class that needs it, kept
 * in JUnit's root store and closed after the last. Each case leaves it steady (one leader, every
 * agent active, no partition), so the classes run in any order.
 */
final class SharedCluster implements AutoCloseable {
  /** Big enough for the walk-through's MapReduce job, Spark executors and Storm Supervisors. */
  static final String AGENT_RESOURCES = "cpus:2;mem:4096;disk:16384;ports:[31000-31099]";

  private final MultiHostCluster cluster;
  private Host nn;
  private Daemon hdfs;

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
