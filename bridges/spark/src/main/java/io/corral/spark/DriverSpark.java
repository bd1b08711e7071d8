package io.corral.spark;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The driver's own Spark: a Spark installation, a directory whose {@code jars/} holds Spark
 * ({@code SPARK_HOME} when it has one, else the directory above the {@code jars/} directory
 * spark-core was loaded from), or none, when the driver runs from a classpath built some other way
 * (an application's own dependencies from Maven or Gradle, an IDE): then only the jars of that
 * classpath are known, which {@value SparkPublisher#PUBLISH_DIR} can publish for the executors.
 *
 * @param home the Spark installation, if the driver runs from one
 * @param sparkCore where spark-core was loaded from (a jar, or a directory of classes)
 * @param sparkHomeEnv {@code SPARK_HOME}, or null when unset
 * @param classpath the driver's classpath: what spark-core's class loader reads
 */
record DriverSpark(Optional<Path> home, Path sparkCore, String sparkHomeEnv, List<Path> classpath) {

  /** The driver's Spark in this JVM. */
  static DriverSpark ofThisJvm(Class<?> sparkCoreClass) {
    return find(System.getenv("SPARK_HOME"), codeSource(sparkCoreClass), classpath(sparkCoreClass.getClassLoader()));
  }

  /**
   * @param sparkHomeEnv {@code SPARK_HOME} (null or blank when unset)
   * @param sparkCore where spark-core was loaded from
   */
  static DriverSpark find(String sparkHomeEnv, Path sparkCore, List<Path> classpath) {
    String env = sparkHomeEnv == null || sparkHomeEnv.isBlank() ? null : sparkHomeEnv.trim();
    Optional<Path> home = Optional.empty();
    if (env != null && Files.isDirectory(Path.of(env, "jars"))) {
      home = Optional.of(Path.of(env));
    } else if (sparkCore.getParent() != null && sparkCore.getParent().getFileName() != null
        && sparkCore.getParent().getFileName().toString().equals("jars") && Files.isRegularFile(sparkCore)) {
      home = Optional.ofNullable(sparkCore.getParent().getParent());
    }
    return new DriverSpark(home, sparkCore, env, List.copyOf(classpath));
  }

  /** The installation's {@code jars/}, when the driver runs from one. */
  Optional<Path> jarsDir() {
    return home.map(h -> h.resolve("jars"));
  }

  /**
   * The jars that make up the driver's Spark: the installation's {@code jars/}, else the jar files
   * of its classpath (the first of each file name, as a classpath reads them).
   */
  List<Path> jars() throws IOException {
    List<Path> candidates;
    if (home.isPresent()) {
      try (var list = Files.list(jarsDir().orElseThrow())) {
        candidates = list.sorted().toList();
      }
    } else {
      candidates = classpath;
    }
    List<Path> jars = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (Path p : candidates) {
      if (p.getFileName() != null && p.getFileName().toString().endsWith(".jar") && Files.isRegularFile(p)
          && names.add(p.getFileName().toString())) {
        jars.add(p);
      }
    }
    return jars;
  }

  /** What the jars of {@link #jars()} are, for the log. */
  String jarsSource() {
    return home.isPresent() ? "jars of the Spark installation " + home.get() : "jars of the driver's classpath";
  }

  /** Why there is no installation, for a message: which SPARK_HOME and spark-core were looked at. */
  String whyNoInstallation() {
    String env = sparkHomeEnv == null ? "SPARK_HOME is not set"
        : "SPARK_HOME " + sparkHomeEnv + " has no jars/ directory";
    return env + "; spark-core was loaded from " + sparkCore;
  }

  /** The jar (or directory) a class was loaded from. */
  static Path codeSource(Class<?> c) {
    try {
      return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException | RuntimeException e) {
      throw new IllegalStateException("cannot tell where " + c.getName() + " was loaded from", e);
    }
  }

  /**
   * What a class loader reads: a {@link URLClassLoader}'s URLs (an application that builds its own,
   * as {@code mvn exec:java} does), else the JVM's classpath.
   */
  private static List<Path> classpath(ClassLoader loader) {
    List<Path> out = new ArrayList<>();
    if (loader instanceof URLClassLoader urls) {
      for (URL u : urls.getURLs()) {
        try {
          if (u.getProtocol().equals("file")) {
            out.add(Path.of(u.toURI()));
          }
        } catch (URISyntaxException | RuntimeException e) {
          // not a local file: nothing to publish
        }
      }
      return out;
    }
    for (String entry : System.getProperty("java.class.path", "").split(java.io.File.pathSeparator)) {
      if (!entry.isBlank()) {
        out.add(Path.of(entry).toAbsolutePath());
      }
    }
    return out;
  }
}
