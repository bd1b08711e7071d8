package io.corral.storm;

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
 * corral-storm.jar (the shaded jar, after {@code package}) holds the bridge and Corral's client
 * relocated under {@code io.corral.shaded}: nothing that meets Storm's own (shaded) Netty, Guava,
 * Curator, ZooKeeper or Thrift, nor the unshaded Jackson, SnakeYAML or Log4j of its lib/. The
 * lifecycle IT runs the Nimbus and every Supervisor with Storm's lib/ plus this jar; this class
 * checks the jar itself.
 */
class ShadedJarIT {
  private static ShadedJar jar;

  @BeforeAll
  static void open() throws Exception {
    jar = new ShadedJar(StormCluster.SHADED_JAR);
  }

  @AfterAll
  static void close() throws Exception {
    jar.close();
  }

  @Test
  void everyClassIsTheBridgesOrRelocated() {
    assertThat(jar.strays("io/corral/storm/")).as("classes neither the bridge's nor under io/corral/shaded/").isEmpty();
    assertThat(jar.has("io/corral/storm/CorralNimbus.class")).isTrue();
    assertThat(jar.has("io/corral/storm/CorralSupervisor.class")).isTrue();
    assertThat(jar.has("io/corral/shaded/corral/executor/CorralExecutorDriver.class")).isTrue();
    assertThat(jar.has("io/corral/shaded/org/apache/curator/framework/CuratorFramework.class")).isTrue();
    assertThat(jar.has("io/corral/shaded/org/apache/zookeeper/ZooKeeper.class")).isTrue();
  }

  @Test
  void corralStormStaysOutOfTheJar() {
    assertThat(jar.commandEntries()).as("the corral command's (io.corral.storm.cli, picocli, the command API)").isEmpty();
  }

  @Test
  void everyRelocatedClassReferredToIsInTheJar() throws Exception {
    assertThat(jar.missingRelocated()).as("relocated classes referred to (by) but not in the jar").isEmpty();
  }

  /**
   * Jackson, SnakeYAML, Log4j and Storm stay Storm's: only code Corral never runs refers to them
   * (ZooKeeper's server tools, Curator's schema-file loader, and Netty's Log4j 2 logger, which
   * Netty never picks while SLF4J, which Storm's lib/ has, is there); Storm's classes are referred
   * to by the bridge only.
   */
  @Test
  void noClassRefersToAnUnrelocatedLibraryOrToJackson() throws Exception {
    List<String> neverRun = List.of("io/corral/shaded/org/apache/zookeeper/server/",
        "io/corral/shaded/org/apache/curator/framework/schema/SchemaSetLoader",
        "io/corral/shaded/io/netty/util/internal/logging/Log4J2Logger",
        "io/corral/shaded/io/grpc/netty/shaded/io/netty/util/internal/logging/Log4J2Logger");
    assertThat(jar.unrelocatedReferences(List.of("com/fasterxml/jackson/", "org/yaml/", "org/apache/logging/")))
        .filteredOn(p -> neverRun.stream().noneMatch(p::startsWith)).isEmpty();
    assertThat(jar.unrelocatedReferences(List.of("org/apache/storm/")))
        .allMatch(p -> p.startsWith("io/corral/storm/"), "only the bridge refers to Storm");
    assertThat(jar.unrelocatedReferences(List.of())).isEmpty();
  }

  @Test
  void onlyRelocatedServiceFiles() {
    assertThat(jar.serviceFiles()).allMatch(n -> n.startsWith("META-INF/services/io.corral.shaded.")
        || n.startsWith("META-INF/services/reactor."), "relocated");
  }

  /** After Storm's lib/ (its Log4j, Jackson, SnakeYAML, shaded deps first), the relocated client still works. */
  @Test
  void relocatedGrpcAndProtobufWorkAfterStormsJars() throws Exception {
    List<URL> urls = new ArrayList<>();
    try (var jars = Files.list(StormCluster.STORM_HOME.resolve("lib"))) {
      for (Path p : jars.toList()) {
        urls.add(p.toUri().toURL());
      }
    }
    assertThat(urls).as("Storm's jars").anyMatch(u -> u.toString().contains("storm-shaded-deps-"));
    urls.add(StormCluster.SHADED_JAR.toUri().toURL());
    try (URLClassLoader loader = new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader())) {
      assertThat(ShadedJar.exerciseRelocatedClient(loader)).startsWith("io.corral.shaded.io.grpc.");
      assertThat(ShadedJar.exerciseRelocatedBridgeCore(loader)).isEqualTo("corral-shaded-check released e1");
    }
  }

  /**
   * The bridges' shared core (bridges/common) is in the jar relocated like the rest of Corral, so
   * that two bridges in one Storm JVM never meet, and nothing refers to Corral's classes unrelocated.
   */
  @Test
  void theBridgeCoreIsRelocatedAndCorralIsReferredToOnlyRelocated() throws Exception {
    assertThat(jar.has("io/corral/shaded/corral/bridges/common/FrameworkActor.class")).isTrue();
    assertThat(jar.has("io/corral/shaded/corral/bridges/common/Fleet.class")).isTrue();
    assertThat(jar.unrelocatedCorralReferences("io/corral/storm/")).isEmpty();
  }
}
