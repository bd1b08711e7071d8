package io.corral.bridges.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * A bridge's shaded jar, read for what would make it clash with the framework it is added to
 * (Hadoop, Spark): classes outside the bridge's package and {@code io/corral/shaded/}, references
 * to unrelocated libraries, relocated classes referred to but missing, service files.
 */
public final class ShadedJar implements AutoCloseable {
  public static final String SHADED = "io/corral/shaded/";
  /** A name in Corral's packages, as a class file spells it. */
  private static final Pattern CORRAL_REF = Pattern.compile("io/corral/[A-Za-z0-9_/$]*");
  /** Packages that must appear only relocated, in entry names and in class references. */
  public static final List<String> RELOCATED = List.of("com/google/", "io/grpc/", "io/netty/", "io/perfmark/",
      "org/apache/zookeeper/", "org/apache/jute/", "org/apache/curator/");
  /**
   * Relocated classes that may be referred to without being in the jar: annotation-only jars (a
   * missing annotation never fails at run time); Netty's optional parts: test certificates,
   * protobuf-nano codecs, and OpenSSL (netty-tcnative, native code that cannot be relocated:
   * ZooKeeper's Netty then uses the JDK's TLS).
   */
  private static final List<String> LEFT_OUT = List.of("/errorprone/annotations/", "/j2objc/annotations/",
      "/android/annotations/", "/io/netty/pkitesting/", "/com/google/protobuf/nano/", "/io/netty/internal/tcnative/");
  private static final Pattern REF = Pattern.compile("io/corral/shaded/[A-Za-z0-9_/$]*/([A-Z][A-Za-z0-9_$]*)");

  private final ZipFile jar;

  public ShadedJar(Path path) throws IOException {
    this.jar = new ZipFile(path.toFile());
  }

  public boolean has(String entry) {
    return jar.getEntry(entry) != null;
  }

  /** Classes neither under {@code bridgePrefix} (e.g. {@code io/corral/spark/}) nor relocated. */
  public List<String> strays(String bridgePrefix) {
    List<String> strays = new ArrayList<>();
    for (ZipEntry e : Collections.list(jar.entries())) {
      String name = e.getName();
      if (name.endsWith(".class") && !name.startsWith(bridgePrefix) && !name.startsWith(SHADED)) {
        strays.add(name);
      }
    }
    return strays;
  }

  /**
   * Entries of the {@code corral} command, which runs the bridge's subcommands from {@code lib/}
   * and has no business in a framework's JVM: the bridge's {@code cli} package, picocli, the command
   * API (relocated or not), their service files.
   */
  public List<String> commandEntries() {
    return Collections.list(jar.entries()).stream().map(ZipEntry::getName)
        .filter(n -> n.matches("io/corral/[a-z]+/cli/.+") || n.startsWith("picocli/") || n.contains("corral/command/")
            || n.startsWith("META-INF/services/io.corral.command.")
            || n.startsWith("META-INF/services/io.corral.shaded.corral.command."))
        .toList();
  }

  /**
   * Relocated classes referred to but not in the jar (class -> one class referring to it).
   * Relocation rewrites references even to classes that are not bundled: a library Maven
   * resolved as the framework's ({@code provided}) would leave the jar pointing at nothing.
   */
  public Map<String, String> missingRelocated() throws IOException {
    Map<String, String> missing = new TreeMap<>();
    for (ZipEntry e : classes()) {
      Matcher m = REF.matcher(bytes(e));
      while (m.find()) {
        if (jar.getEntry(m.group() + ".class") == null && LEFT_OUT.stream().noneMatch(m.group()::contains)) {
          missing.putIfAbsent(m.group(), e.getName());
        }
      }
    }
    return missing;
  }

  /**
   * Classes that refer to an unrelocated library of {@link #RELOCATED}, or to one of
   * {@code forbidden} (class names, e.g. SLF4J 2's for a framework that ships SLF4J 1.7).
   */
  public List<String> unrelocatedReferences(List<String> forbidden) throws IOException {
    List<String> problems = new ArrayList<>();
    for (ZipEntry e : classes()) {
      String bytes = bytes(e);
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
      for (String name : forbidden) {
        if (bytes.contains(name)) {
          problems.add(e.getName() + " -> " + name);
        }
      }
    }
    return problems;
  }

  /** The names of the jar's service files ({@code META-INF/services/...}). */
  public List<String> serviceFiles() {
    return Collections.list(jar.entries()).stream().map(ZipEntry::getName)
        .filter(n -> n.startsWith("META-INF/services/") && !n.endsWith("/")).toList();
  }

  /** The providers a service file lists (none when there is no such file). */
  public List<String> providers(String service) throws IOException {
    String text = read("META-INF/services/" + service);
    return text == null ? List.of() : text.lines().map(String::trim)
        .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
  }

  /** An entry as UTF-8 text, or null when absent. */
  public String read(String name) throws IOException {
    ZipEntry e = jar.getEntry(name);
    if (e == null) {
      return null;
    }
    try (InputStream in = jar.getInputStream(e)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /**
   * Uses the relocated client through {@code loader} (the shaded jar after the framework's own
   * libraries): a Corral message through relocated protobuf, a channel from relocated gRPC (which
   * finds its transport through the relocated service files). Returns the channel's class name.
   */
  public static String exerciseRelocatedClient(ClassLoader loader) throws ReflectiveOperationException {
    Class<?> frameworkInfo = loader.loadClass("io.corral.shaded.corral.protocol.FrameworkInfo");
    Object builder = frameworkInfo.getMethod("newBuilder").invoke(null);
    builder.getClass().getMethod("setName", String.class).invoke(builder, "wordcount");
    Object message = builder.getClass().getMethod("build").invoke(builder);
    byte[] wire = (byte[]) frameworkInfo.getMethod("toByteArray").invoke(message);
    Object parsed = frameworkInfo.getMethod("parseFrom", byte[].class).invoke(null, (Object) wire);
    if (!"wordcount".equals(frameworkInfo.getMethod("getName").invoke(parsed))) {
      throw new IllegalStateException("the relocated protobuf did not round-trip a message");
    }
    Class<?> grpc = loader.loadClass("io.corral.shaded.io.grpc.Grpc");
    Class<?> credentials = loader.loadClass("io.corral.shaded.io.grpc.ChannelCredentials");
    Object insecure = loader.loadClass("io.corral.shaded.io.grpc.InsecureChannelCredentials")
        .getMethod("create").invoke(null);
    Object channelBuilder = grpc.getMethod("newChannelBuilder", String.class, credentials)
        .invoke(null, "dns:///localhost:5050", insecure);
    Method build = channelBuilder.getClass().getMethod("build");
    build.setAccessible(true);
    Object channel = build.invoke(channelBuilder);
    loader.loadClass("io.corral.shaded.io.grpc.ManagedChannel").getMethod("shutdownNow").invoke(channel);
    return channel.getClass().getName();
  }

  /**
   * Classes that refer to Corral's own classes unrelocated: {@code io/corral/...} outside the
   * bridge's package ({@code bridgePrefix}) and {@code io/corral/shaded/}. In the host's JVM such a
   * reference finds nothing, or another bridge's copy.
   */
  public List<String> unrelocatedCorralReferences(String bridgePrefix) throws IOException {
    List<String> problems = new ArrayList<>();
    for (ZipEntry e : classes()) {
      Matcher m = CORRAL_REF.matcher(bytes(e));
      while (m.find()) {
        if (!m.group().startsWith(SHADED) && !m.group().startsWith(bridgePrefix)) {
          problems.add(e.getName() + " -> " + m.group());
          break;
        }
      }
    }
    return problems;
  }

  /**
   * Runs the relocated bridge core ({@code bridges/common}) through {@code loader} (the shaded jar
   * after the host's own libraries): a framework actor on a thread of its own answers a query on
   * that thread and closes; a fleet on a manual loop releases an idle executor when its timeout is
   * over. Returns the actor's thread's name and what the fleet released, e.g.
   * {@code corral-shaded-check released e1}.
   */
  public static String exerciseRelocatedBridgeCore(ClassLoader loader) throws ReflectiveOperationException {
    String core = "io.corral.shaded.corral.bridges.common.";
    Class<?> drivers = loader.loadClass(core + "Drivers");
    Class<?> credentials = loader.loadClass("io.corral.shaded.corral.common.security.ClientCredentials");
    Object corral = drivers.getMethod("corral", String.class, credentials)
        .invoke(null, "localhost:5050", credentials.getField("NONE").get(null));
    Class<?> actorClass = loader.loadClass(core + "FrameworkActor");
    Object actor = actorClass.getMethod("threaded", String.class, drivers).invoke(null, "corral-shaded-check", corral);
    String thread;
    try {
      java.util.function.Supplier<String> name = () -> Thread.currentThread().getName();
      Object answer = actorClass.getMethod("submit", java.util.function.Supplier.class).invoke(actor, name);
      thread = (String) ((java.util.concurrent.CompletableFuture<?>) answer).get(30, java.util.concurrent.TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException | InterruptedException e) {
      throw new IllegalStateException("the relocated framework actor did not answer", e);
    } finally {
      actorClass.getMethod("close").invoke(actor);
    }

    Class<?> manualLoop = loader.loadClass("io.corral.shaded.corral.common.loop.ManualEventLoop");
    Object loop = manualLoop.getConstructor().newInstance();
    Class<?> idle = loader.loadClass(core + "IdleRelease");
    Object policy = idle.getMethod("after", java.time.Duration.class).invoke(null, java.time.Duration.ofMinutes(1));
    List<String> released = new ArrayList<>();
    java.util.function.Consumer<Object> release = member -> {
      try {
        released.add((String) member.getClass().getMethod("key").invoke(member));
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException(e);
      }
    };
    Class<?> fleetClass = loader.loadClass(core + "Fleet");
    Object fleet = fleetClass.getConstructor(loader.loadClass("io.corral.shaded.corral.common.loop.EventLoop"), idle,
        java.util.function.Consumer.class).newInstance(loop, policy, release);
    fleetClass.getMethod("adopt", String.class, String.class, Object.class).invoke(fleet, "e1", "a1", "executor");
    fleetClass.getMethod("idle", String.class).invoke(fleet, "e1");
    manualLoop.getMethod("advance", java.time.Duration.class).invoke(loop, java.time.Duration.ofMinutes(1));
    return thread + " released " + String.join(",", released);
  }

  private List<ZipEntry> classes() {
    return jar.stream().filter(e -> e.getName().endsWith(".class")).map(ZipEntry.class::cast).toList();
  }

  /** A class file's bytes as ISO-8859-1 text: class names in its constant pool read as they are. */
  private String bytes(ZipEntry e) throws IOException {
    try (InputStream in = jar.getInputStream(e)) {
      return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }

  @Override
  public void close() throws IOException {
    jar.close();
  }
}
