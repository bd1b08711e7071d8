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

  /** A helper run by {@code java} with the given classpath. */
  public static HdfsSupport java(String javaCommand, String classpath, Map<String, String> environment) {
    return new HdfsSupport(List.of(javaCommand, "-Xmx256m", "-XX:+UseSerialGC", "-cp", classpath, MAIN_CLASS),
        environment);
  }
}
