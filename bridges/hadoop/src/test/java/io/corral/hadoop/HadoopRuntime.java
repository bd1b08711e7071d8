package io.corral.hadoop;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * What a Hadoop user's JVMs have, instead of the test classpath: Hadoop 3.4.2's runtime jars
 * without any of Corral's libraries (no protobuf 4, gRPC, perfmark or Guava 33; Hadoop's own
 * protobuf 2.5 and Guava 27 instead, see the pom's {@code hadoop-runtime-*} executions), plus
 * {@code corral-hadoop.jar}, the shaded jar this module builds.
 */
final class HadoopRuntime {
  private HadoopRuntime() {}

  /** The shaded jar ({@code package} phase), as the distribution ships it. */
  static Path shadedJar() {
    Path jar = Path.of(required("corral.hadoop.shaded.jar"));
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException("no shaded jar at " + jar + ": run through `verify` (failsafe), not the IDE");
    }
    return jar;
  }

  /** Hadoop's runtime jars, Hadoop's protobuf and Guava first. */
  static List<Path> hadoopJars() throws IOException {
    List<Path> jars = new ArrayList<>();
    try (Stream<Path> extra = Files.list(Path.of(required("corral.hadoop.runtime.extra.dir")))) {
      extra.filter(p -> p.toString().endsWith(".jar")).sorted().forEach(jars::add);
    }
    String cp = Files.readString(Path.of(required("corral.hadoop.runtime.classpath.file"))).trim();
    Arrays.stream(cp.split(File.pathSeparator)).filter(s -> !s.isBlank()).map(Path::of).forEach(jars::add);
    return jars;
  }

  /**
   * A client's classpath, as {@code hadoop jar} with {@code HADOOP_CLASSPATH=corral-hadoop.jar}
   * gives it: the conf dir (log4j.properties), Hadoop's jars, the shaded jar.
   */
  static String clientClasspath(Path confDir) throws IOException {
    List<String> cp = new ArrayList<>();
    cp.add(confDir.toString());
    hadoopJars().forEach(p -> cp.add(p.toString()));
    cp.add(shadedJar().toString());
    return String.join(File.pathSeparator, cp);
  }

  /**
   * A client built on Maven's {@code org.apache.hadoop:hadoop-client:3.4.2}, as Java applications and
   * workflow tools submit jobs: the conf dir (log4j.properties), what hadoop-client resolves to with
   * Hadoop's own versions ({@code client-runtime/}), and the shaded jar. No MRAppMaster, YarnChild or
   * ShuffleHandler.
   */
  static String hadoopClientClasspath(Path confDir) throws IOException {
    List<String> cp = new ArrayList<>();
    cp.add(confDir.toString());
    String jars = Files.readString(Path.of(required("corral.hadoop.client.classpath.file"))).trim();
    Arrays.stream(jars.split(File.pathSeparator)).filter(s -> !s.isBlank()).forEach(cp::add);
    cp.add(shadedJar().toString());
    return String.join(File.pathSeparator, cp);
  }

  /**
   * What {@code corral.hadoop.classpath} holds where Hadoop is installed on every agent: Hadoop's
   * runtime jars and corral-hadoop.jar (here the same files on the one host).
   */
  static String agentClasspath() throws IOException {
    List<String> cp = new ArrayList<>();
    hadoopJars().forEach(p -> cp.add(p.toString()));
    cp.add(shadedJar().toString());
    return String.join(File.pathSeparator, cp);
  }

  /** A Hadoop conf dir with the console logging {@code bin/hadoop} sets up. */
  static Path confDir(Path dir) throws IOException {
    Path conf = Files.createDirectories(dir.resolve("hadoop-conf"));
    Files.writeString(conf.resolve("log4j.properties"), String.join("\n",
        "log4j.rootLogger=INFO,console",
        "log4j.appender.console=org.apache.log4j.ConsoleAppender",
        "log4j.appender.console.target=System.err",
        "log4j.appender.console.layout=org.apache.log4j.PatternLayout",
        "log4j.appender.console.layout.ConversionPattern=%d{HH:mm:ss,SSS} %p %c{2}: %m%n",
        "log4j.logger.org.apache.hadoop=WARN",
        "log4j.logger.org.apache.hadoop.mapreduce.Job=INFO", ""));
    return conf;
  }

  /**
   * The executor bundle a user would {@code corral bundle push}: {@code lib/} with Hadoop's jars
   * and corral-hadoop.jar ({@code corral.hadoop.bundle.classpath} default {@code lib/*}).
   */
  static Path bundleDir(Path dir) throws IOException {
    Path lib = Files.createDirectories(dir.resolve("lib"));
    List<Path> jars = new ArrayList<>(hadoopJars());
    jars.add(shadedJar());
    for (Path jar : jars) {
      Path target = lib.resolve(jar.getFileName().toString().equals(shadedJar().getFileName().toString())
          ? "corral-hadoop.jar" : jar.getFileName().toString());
      if (Files.exists(target)) { // two artifacts with one file name: keep both
        target = lib.resolve(jar.getParent().getFileName() + "-" + jar.getFileName());
      }
      Files.copy(jar, target);
    }
    return dir;
  }

  /**
   * Runs {@code RunJar <examples jar> <program>} as {@code hadoop jar} would, in a JVM with
   * {@code classpath} only; returns its exit code.
   */
  static int runExample(HadoopJobs jobs, String classpath, String program, List<String> options, List<String> args,
      Path log) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", classpath,
        "org.apache.hadoop.util.RunJar", HadoopJobs.examplesJar(), program,
        "-Dmapreduce.framework.name=corral", "-Dcorral.master=" + jobs.master,
        "-Dfs.defaultFS=" + jobs.defaultFs()));
    cmd.addAll(HadoopJobs.SMALL);
    cmd.addAll(options);
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().remove("CLASSPATH");
    Process p = pb.start();
    try {
      if (!p.waitFor(5, TimeUnit.MINUTES)) {
        throw new AssertionError(program + " did not end within 5 minutes; see " + log);
      }
      return p.exitValue();
    } finally {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
  }

  private static String required(String property) {
    String v = System.getProperty(property);
    if (v == null) {
      throw new IllegalStateException("system property " + property + " is not set (see the pom's failsafe settings)");
    }
    return v;
  }
}
