package io.corral.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.corral.bridges.testkit.ShadedJar;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * corral-spark.jar (the shaded jar, after {@code package}) holds the bridge and Corral's client
 * relocated under {@code io.corral.shaded}: nothing that meets Spark's own Netty, protobuf,
 * Guava, Jackson, ZooKeeper or Curator, and the one service file Spark looks for. The ITs run
 * every driver with Spark's jars plus this jar; this class checks the jar itself.
 */
class ShadedJarIT {
  private static ShadedJar jar;

  @BeforeAll
  static void open() throws Exception {
    jar = new ShadedJar(SparkApps.SHADED_JAR);
  }

  @AfterAll
  static void close() throws Exception {
    jar.close();
  }

  @Test
  void everyClassIsTheBridgesOrRelocated() {
    assertThat(jar.strays("io/corral/spark/")).as("classes neither the bridge's nor under io/corral/shaded/").isEmpty();
    assertThat(jar.has("io/corral/spark/CorralClusterManager.class")).isTrue();
    assertThat(jar.has("io/corral/shaded/corral/scheduler/CorralSchedulerDriver.class")).isTrue();
    assertThat(jar.has("io/corral/shaded/org/apache/curator/framework/CuratorFramework.class")).isTrue();
    assertThat(jar.has("io/corral/shaded/org/apache/zookeeper/ZooKeeper.class")).isTrue();
  }

  @Test
  void corralSparkStaysOutOfTheJar() {
    assertThat(jar.commandEntries()).as("the corral command's (io.corral.spark.cli, picocli, the command API)").isEmpty();
  }

  @Test
  void everyRelocatedClassReferredToIsInTheJar() throws Exception {
    assertThat(jar.missingRelocated()).as("relocated classes referred to (by) but not in the jar").isEmpty();
  }

  /**
   * Jackson stays Spark's: only code Corral never runs refers to it, ZooKeeper's server tools (the
   * jar carries ZooKeeper's one artifact, client and server) and Curator's schema-file loader.
   */
  @Test
  void noClassRefersToAnUnrelocatedLibraryOrToJackson() throws Exception {
    List<String> neverRun = List.of("io/corral/shaded/org/apache/zookeeper/server/",
        "io/corral/shaded/org/apache/curator/framework/schema/SchemaSetLoader");
    assertThat(jar.unrelocatedReferences(List.of("com/fasterxml/jackson/")))
        .filteredOn(p -> neverRun.stream().noneMatch(p::startsWith)).isEmpty();
    assertThat(jar.unrelocatedReferences(List.of())).isEmpty();
  }

  @Test
  void sparksServiceFileNamesTheClusterManagerAndGrpcsAreRelocated() throws Exception {
    assertThat(jar.serviceFiles()).allMatch(n -> n.startsWith("META-INF/services/io.corral.shaded.")
        || n.equals("META-INF/services/org.apache.spark.scheduler.ExternalClusterManager")
        || n.startsWith("META-INF/services/reactor."), "relocated or Spark's SPI");
    assertThat(jar.providers("org.apache.spark.scheduler.ExternalClusterManager"))
        .containsExactly("io.corral.spark.CorralClusterManager");
    assertThat(jar.providers("io.corral.shaded.io.grpc.ManagedChannelProvider"))
        .allMatch(p -> p.startsWith("io.corral.shaded.io.grpc.netty.shaded.")).isNotEmpty();
  }

  /** After Spark's own jars (its protobuf, Guava, Netty first), the relocated client still works. */
  @Test
  void relocatedGrpcAndProtobufWorkAfterSparksJars() throws Exception {
    List<URL> urls = new ArrayList<>();
    try (var jars = Files.list(SparkApps.SPARK_HOME.resolve("jars"))) {
      for (Path p : jars.toList()) {
        urls.add(p.toUri().toURL());
      }
    }
    assertThat(urls).as("Spark's jars").anyMatch(u -> u.toString().contains("protobuf-java-"))
        .anyMatch(u -> u.toString().contains("netty-"));
    urls.add(SparkApps.SHADED_JAR.toUri().toURL());
    try (URLClassLoader loader = new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader())) {
      assertThat(ShadedJar.exerciseRelocatedClient(loader)).startsWith("io.corral.shaded.io.grpc.");
      assertThat(ShadedJar.exerciseRelocatedBridgeCore(loader)).isEqualTo("corral-shaded-check released e1");
    }
  }

  /**
   * The bridges' shared core (bridges/common) is in the jar relocated like the rest of Corral, so
   * that two bridges in one Spark JVM never meet, and nothing refers to Corral's classes unrelocated.
   */
  @Test
  void theBridgeCoreIsRelocatedAndCorralIsReferredToOnlyRelocated() throws Exception {
    assertThat(jar.has("io/corral/shaded/corral/bridges/common/FrameworkActor.class")).isTrue();
    assertThat(jar.has("io/corral/shaded/corral/bridges/common/Fleet.class")).isTrue();
    assertThat(jar.unrelocatedCorralReferences("io/corral/spark/")).isEmpty();
  }
}
