package io.corral.hadoop;

import static org.assertj.core.api.Assertions.assertThat;

import io.corral.bridges.testkit.ShadedJar;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * corral-hadoop.jar (the shaded jar, after {@code package}) holds the bridge and Corral's client
 * libraries relocated under {@code io.corral.shaded}, and nothing that could meet Hadoop's own
 * classes: no unrelocated protobuf, Guava, gRPC, Netty, ZooKeeper, Curator; no Hadoop; no SLF4J
 * (Hadoop's API and binding serve it, so it must not need SLF4J 2).
 */
class ShadedJarIT {
  private static ShadedJar jar;

  @BeforeAll
  static void open() throws Exception {
    jar = new ShadedJar(HadoopRuntime.shadedJar());
  }

  @AfterAll
  static void close() throws Exception {
    jar.close();
  }

  @Test
  void everyClassIsTheBridgesOrRelocated() {
    assertThat(jar.strays("io/corral/hadoop/")).as("classes neither the bridge's nor under io/corral/shaded/").isEmpty();
    assertThat(jar.has("io/corral/shaded/com/google/protobuf/Message.class")).isTrue();
    assertThat(jar.has("io/corral/shaded/com/google/common/collect/ImmutableList.class")).isTrue();
    assertThat(jar.has("io/corral/shaded/io/grpc/ManagedChannel.class")).isTrue();
    assertThat(jar.has("io/corral/shaded/corral/protocol/TaskInfo.class")).isTrue();
    assertThat(jar.has("io/corral/hadoop/client/CorralClientProtocolProvider.class")).isTrue();
  }

  /** Seen: ZooKeeper resolved as Hadoop's (provided) left the relocated Curator pointing at nothing. */
  @Test
  void everyRelocatedClassReferredToIsInTheJar() throws Exception {
    assertThat(jar.missingRelocated()).as("relocated classes referred to (by) but not in the jar").isEmpty();
  }

  @Test
  void noClassRefersToAnUnrelocatedLibraryOrToSlf4j2() throws Exception {
    // SLF4J 2 only: Hadoop 3.4 ships SLF4J 1.7.
    assertThat(jar.unrelocatedReferences(List.of("org/slf4j/spi/LoggingEventBuilder", "org/slf4j/event/KeyValuePair",
        "org/slf4j/spi/SLF4JServiceProvider"))).isEmpty();
  }

  @Test
  void serviceFilesAreMergedAndRelocated() throws Exception {
    assertThat(jar.serviceFiles()).allMatch(n -> n.startsWith("META-INF/services/io.corral.shaded.")
        || n.equals("META-INF/services/org.apache.hadoop.mapreduce.protocol.ClientProtocolProvider")
        || n.startsWith("META-INF/services/reactor."), "relocated or Hadoop's SPI");
    assertThat(jar.providers("org.apache.hadoop.mapreduce.protocol.ClientProtocolProvider"))
        .containsExactly("io.corral.hadoop.client.CorralClientProtocolProvider");
    // grpc-core and grpc-netty-shaded both provide name resolvers; grpc-core and grpc-util balancers.
    assertThat(jar.providers("io.corral.shaded.io.grpc.NameResolverProvider")).hasSizeGreaterThanOrEqualTo(2)
        .allMatch(p -> p.startsWith("io.corral.shaded.io.grpc."));
    assertThat(jar.providers("io.corral.shaded.io.grpc.LoadBalancerProvider")).hasSizeGreaterThanOrEqualTo(2)
        .allMatch(p -> p.startsWith("io.corral.shaded.io.grpc."));
    assertThat(jar.providers("io.corral.shaded.io.grpc.ManagedChannelProvider"))
        .allMatch(p -> p.startsWith("io.corral.shaded.io.grpc.netty.shaded.")).isNotEmpty();
  }

  /**
   * Next to Hadoop's protobuf 2.5 and Guava 27 (first on the classpath), the relocated gRPC finds its
   * transport and the relocated protobuf encodes Corral's messages; the bridge core runs, logging
   * through Hadoop's SLF4J 1.7.
   */
  @Test
  void relocatedGrpcAndProtobufWorkBesideHadoopsProtobufAndGuava() throws Exception {
    List<URL> urls = new ArrayList<>();
    for (Path p : HadoopRuntime.hadoopJars()) {
      String name = p.getFileName().toString();
      if (name.startsWith("protobuf-java-") || name.startsWith("guava-") || name.startsWith("failureaccess-")
          || name.startsWith("slf4j-") || name.startsWith("reload4j-")) {
        urls.add(p.toUri().toURL());
      }
    }
    assertThat(urls).as("Hadoop's protobuf and Guava").hasSizeGreaterThanOrEqualTo(2);
    urls.add(HadoopRuntime.shadedJar().toUri().toURL());
    try (URLClassLoader loader = new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader())) {
      assertThat(loader.loadClass("com.google.protobuf.GeneratedMessage").getProtectionDomain().getCodeSource()
          .getLocation().toString()).contains("protobuf-java-2.5");
      assertThat(ShadedJar.exerciseRelocatedClient(loader)).startsWith("io.corral.shaded.io.grpc.");
      assertThat(ShadedJar.exerciseRelocatedBridgeCore(loader)).isEqualTo("corral-shaded-check released e1");
    }
  }

  /**
   * The bridges' shared core (bridges/common) is in the jar relocated like the rest of Corral, so
   * that two bridges in one Hadoop JVM never meet, and nothing refers to Corral's classes unrelocated.
   */
  @Test
  void theBridgeCoreIsRelocatedAndCorralIsReferredToOnlyRelocated() throws Exception {
    assertThat(jar.has("io/corral/shaded/corral/bridges/common/FrameworkActor.class")).isTrue();
    assertThat(jar.has("io/corral/shaded/corral/bridges/common/Fleet.class")).isTrue();
    assertThat(jar.unrelocatedCorralReferences("io/corral/hadoop/")).isEmpty();
  }
}
