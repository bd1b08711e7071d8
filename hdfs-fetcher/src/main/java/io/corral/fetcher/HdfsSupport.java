package io.corral.fetcher;

import java.util.List;
import java.util.Map;

/**
 * How to start the HDFS helper ({@code io.corral.fetcher.hdfs.HdfsCopy}) as a separate
 * process: the command up to and including the main class name, e.g.
 * {@code [java, -cp, <lib/*:lib/hdfs/*>, io.corral.fetcher.hdfs.HdfsCopy]}, and extra environment
 * (HADOOP_CONF_DIR, ...). Hadoop's jars are only on that process's classpath.
 */
public record HdfsSupport(List<String> command, Map<String, String> environment) {
  public static final String MAIN_CLASS = "io.corral.fetcher.hdfs.HdfsCopy";

  public HdfsSupport {
    command = List.copyOf(command);
    environment = Map.copyOf(environment);
  }

  /**
   * The helper as this installation provides it: {@code lib/*:lib/hdfs/*} of the distribution
   * when running from one ({@code -Dcorral.home}, set by bin/corral), else this JVM's classpath
   * (made absolute), with the java binary of this JVM.
   */
  public static HdfsSupport ofThisInstallation() {
    String javaCommand = java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return java(javaCommand, defaultClasspath(), Map.of());
  }

  /** See {@link #ofThisInstallation()}. */
  public static String defaultClasspath() {
    String home = System.getProperty("corral.home");
    String sep = java.io.File.pathSeparator;
    if (home != null) {
      java.nio.file.Path lib = java.nio.file.Path.of(home, "lib").toAbsolutePath();
      return lib + "/*" + sep + lib.resolve("hdfs") + "/*";
    }
    StringBuilder out = new StringBuilder();
    for (String entry : System.getProperty("java.class.path").split(sep)) {
      if (!entry.isEmpty()) {
        if (out.length() > 0) {
          out.append(sep);
        }
        out.append(entry.endsWith("*") ? entry : java.nio.file.Path.of(entry).toAbsolutePath().toString());
      }
    }
    return out.toString();
  }

  /**
   * A helper run by {@code java} with the given classpath. The helper lives for one copy, so it
   * runs with the client compiler only ({@code -XX:TieredStopAtLevel=1}, as the command executor
   * does). With C2 as well, its compiler threads took CPU from the start-up and the copy: on
   * 2 cores a 100 MiB download took 0.9 s instead of 0.7 s, and a 1 GiB one 2.4 s instead of
   * 1.9 s (docs/benchmarks.md, "Fetching a bundle from HDFS").
   */
  public static HdfsSupport java(String javaCommand, String classpath, Map<String, String> environment) {
    return new HdfsSupport(List.of(javaCommand, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp",
        classpath, MAIN_CLASS), environment);
  }
}
