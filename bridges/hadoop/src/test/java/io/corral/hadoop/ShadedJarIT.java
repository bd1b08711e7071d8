package io.corral.hadoop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/**
 * corral-hadoop.jar (the shaded jar, after {@code package}) holds the bridge and Corral's client
 * libraries relocated under {@code io.corral.shaded}, and nothing that could meet Hadoop's own
 * classes: no unrelocated protobuf, Guava, gRPC, Netty, ZooKeeper, Curator; no Hadoop; no SLF4J
 * (Hadoop's API and binding serve it, so it must not need SLF4J 2).
 */
class ShadedJarIT {
  private static final String SHADED = "io/corral/shaded/";
  /** Packages that must appear only relocated, in entry names and in class references. */
  private static final List<String> RELOCATED = List.of("com/google/", "io/grpc/", "io/netty/", "io/perfmark/",
      "org/apache/zookeeper/", "org/apache/jute/", "org/apache/curator/");

  @Test
  void everyClassIsTheBridgesOrRelocated() throws IOException {
    List<String> strays = new ArrayList<>();
    try (ZipFile jar = new ZipFile(HadoopRuntime.shadedJar().toFile())) {
      for (ZipEntry e : Collections.list(jar.entries())) {
        String name = e.getName();
        if (name.endsWith(".class") && !name.startsWith("io/corral/hadoop/") && !name.startsWith(SHADED)) {
          strays.add(name);
        }
      }
      assertThat(strays).as("classes neither the bridge's nor under io/corral/shaded/").isEmpty();
      assertThat(jar.getEntry("io/corral/shaded/com/google/protobuf/Message.class")).isNotNull();
      assertThat(jar.getEntry("io/corral/shaded/com/google/common/collect/ImmutableList.class")).isNotNull();
      assertThat(jar.getEntry("io/corral/shaded/io/grpc/ManagedChannel.class")).isNotNull();
      assertThat(jar.getEntry("io/corral/shaded/corral/protocol/TaskInfo.class")).isNotNull();
      assertThat(jar.getEntry("io/corral/hadoop/client/CorralClientProtocolProvider.class")).isNotNull();
    }
  }

  /**
   * Relocation rewrites references even to classes that are not bundled: a library that Maven
   * resolved as Hadoop's ({@code provided}) would leave the jar pointing at relocated classes that
   * exist nowhere (seen: ZooKeeper, for a zk:// master).
   */
  @Test
  void everyRelocatedClassReferredToIsInTheJar() throws IOException {
    java.util.regex.Pattern ref = java.util.regex.Pattern.compile("io/corral/shaded/[A-Za-z0-9_/$]*/([A-Z][A-Za-z0-9_$]*)");
    // Left out on purpose: annotation-only jars (a missing annotation never fails at run time);
    // Netty's optional parts: test certificates, protobuf-nano codecs, and OpenSSL (netty-tcnative,
    // native code that cannot be relocated: ZooKeeper's Netty then uses the JDK's TLS).
    List<String> leftOut = List.of("/errorprone/annotations/", "/j2objc/annotations/", "/android/annotations/",
        "/io/netty/pkitesting/", "/com/google/protobuf/nano/", "/io/netty/internal/tcnative/");
    java.util.Map<String, String> missing = new java.util.TreeMap<>(); // class -> one class referring to it
    try (ZipFile jar = new ZipFile(HadoopRuntime.shadedJar().toFile())) {
      for (ZipEntry e : classes(jar)) {
        String bytes = bytes(jar, e);
        java.util.regex.Matcher m = ref.matcher(bytes);
        while (m.find()) {
          if (jar.getEntry(m.group() + ".class") == null && leftOut.stream().noneMatch(m.group()::contains)) {
            missing.putIfAbsent(m.group(), e.getName());
          }
        }
      }
    }
    assertThat(missing).as("relocated classes referred to (by) but not in the jar").isEmpty();
  }

  @Test
  void noClassRefersToAnUnrelocatedLibraryOrToSlf4j2() throws IOException {
    List<String> problems = new ArrayList<>();
    try (ZipFile jar = new ZipFile(HadoopRuntime.shadedJar().toFile())) {
      for (ZipEntry e : classes(jar)) {
        String bytes = bytes(jar, e);
        for (String pkg : RELOCATED) {
          for (int i = bytes.indexOf(pkg); i >= 0; i = bytes.indexOf(pkg, i + 1)) {
            // A class name starts with its package: after a constant's length, 'L' or '['. Relocated
            // names read io/corral/shaded/<pkg> (gRPC's own Netty .../shaded/io/netty/), so a '/' comes
            // first; a '.' comes first in URLs and regular expressions (github.com/google/, .*/com/google/).
            char before = i > 0 ? bytes.charAt(i - 1) : ' ';
            if (before != '/' && before != '.') {
              problems.add(e.getName() + " -> " + pkg);
              break;
            }
          }
        }
        for (String slf4j2 : List.of("org/slf4j/spi/LoggingEventBuilder", "org/slf4j/event/KeyValuePair",
            "org/slf4j/spi/SLF4JServiceProvider")) {
          if (bytes.contains(slf4j2)) {
            problems.add(e.getName() + " -> " + slf4j2 + " (SLF4J 2 only; Hadoop 3.4 ships SLF4J 1.7)");
          }
        }
      }
    }
    assertThat(problems).isEmpty();
  }

  @Test
  void serviceFilesAreMergedAndRelocated() throws IOException {
    try (ZipFile jar = new ZipFile(HadoopRuntime.shadedJar().toFile())) {
      List<String> services = Collections.list(jar.entries()).stream().map(ZipEntry::getName)
          .filter(n -> n.startsWith("META-INF/services/") && !n.endsWith("/")).toList();
      assertThat(services).allMatch(n -> n.startsWith("META-INF/services/io.corral.shaded.")
          || n.equals("META-INF/services/org.apache.hadoop.mapreduce.protocol.ClientProtocolProvider")
          || n.startsWith("META-INF/services/reactor."), "relocated or Hadoop's SPI");
      assertThat(read(jar, "META-INF/services/org.apache.hadoop.mapreduce.protocol.ClientProtocolProvider").trim())
          .isEqualTo("io.corral.hadoop.client.CorralClientProtocolProvider");
      // grpc-core and grpc-netty-shaded both provide name resolvers; grpc-core and grpc-util balancers.
      assertThat(providers(jar, "io.corral.shaded.io.grpc.NameResolverProvider")).hasSizeGreaterThanOrEqualTo(2)
          .allMatch(p -> p.startsWith("io.corral.shaded.io.grpc."));
      assertThat(providers(jar, "io.corral.shaded.io.grpc.LoadBalancerProvider")).hasSizeGreaterThanOrEqualTo(2)
          .allMatch(p -> p.startsWith("io.corral.shaded.io.grpc."));
      assertThat(providers(jar, "io.corral.shaded.io.grpc.ManagedChannelProvider"))
          .allMatch(p -> p.startsWith("io.corral.shaded.io.grpc.netty.shaded.")).isNotEmpty();
    }
  }

  /**
   * Next to Hadoop's protobuf 2.5 and Guava 27 (first on the classpath), the relocated gRPC finds its
   * transport and the relocated protobuf encodes Corral's messages.
   */
  @Test
  void relocatedGrpcAndProtobufWorkBesideHadoopsProtobufAndGuava() throws Exception {
    List<URL> urls = new ArrayList<>();
    for (Path p : HadoopRuntime.hadoopJars()) {
      String name = p.getFileName().toString();
      if (name.startsWith("protobuf-java-") || name.startsWith("guava-") || name.startsWith("failureaccess-")) {
        urls.add(p.toUri().toURL());
      }
    }
    assertThat(urls).as("Hadoop's protobuf and Guava").hasSizeGreaterThanOrEqualTo(2);
    urls.add(HadoopRuntime.shadedJar().toUri().toURL());
    try (URLClassLoader loader = new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader())) {
      assertThat(loader.loadClass("com.google.protobuf.GeneratedMessage").getProtectionDomain().getCodeSource()
          .getLocation().toString()).contains("protobuf-java-2.5");

      Class<?> frameworkInfo = loader.loadClass("io.corral.shaded.corral.protocol.FrameworkInfo");
      Object builder = frameworkInfo.getMethod("newBuilder").invoke(null);
      builder.getClass().getMethod("setName", String.class).invoke(builder, "wordcount");
      Object message = builder.getClass().getMethod("build").invoke(builder);
      byte[] wire = (byte[]) frameworkInfo.getMethod("toByteArray").invoke(message);
      Object parsed = frameworkInfo.getMethod("parseFrom", byte[].class).invoke(null, (Object) wire);
      assertThat(frameworkInfo.getMethod("getName").invoke(parsed)).isEqualTo("wordcount");

      Class<?> grpc = loader.loadClass("io.corral.shaded.io.grpc.Grpc");
      Class<?> credentials = loader.loadClass("io.corral.shaded.io.grpc.ChannelCredentials");
      Object insecure = loader.loadClass("io.corral.shaded.io.grpc.InsecureChannelCredentials")
          .getMethod("create").invoke(null);
      Object channelBuilder = grpc.getMethod("newChannelBuilder", String.class, credentials)
          .invoke(null, "dns:///localhost:5050", insecure);
      Method build = channelBuilder.getClass().getMethod("build");
      build.setAccessible(true);
      Object channel = build.invoke(channelBuilder);
      assertThat(channel.getClass().getName()).startsWith("io.corral.shaded.io.grpc.");
      Method shutdown = loader.loadClass("io.corral.shaded.io.grpc.ManagedChannel").getMethod("shutdownNow");
      shutdown.invoke(channel);
    }
  }

  private static List<String> providers(ZipFile jar, String service) throws IOException {
    return read(jar, "META-INF/services/" + service).lines().map(String::trim)
        .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
  }

  private static String read(ZipFile jar, String name) throws IOException {
    ZipEntry e = jar.getEntry(name);
    assertThat(e).as(name).isNotNull();
    try (InputStream in = jar.getInputStream(e)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static List<ZipEntry> classes(ZipFile jar) {
    return jar.stream().filter(e -> e.getName().endsWith(".class")).map(ZipEntry.class::cast).toList();
  }

  /** A class file's bytes as ISO-8859-1 text: class names in its constant pool read as they are. */
  private static String bytes(ZipFile jar, ZipEntry e) throws IOException {
    try (InputStream in = jar.getInputStream(e)) {
      return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }
}
