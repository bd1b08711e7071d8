package io.corral.demo;

import java.io.File;
import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The Spark bridge's example word count ({@code io.corral.spark.examples.WordCount}, in
 * {@code corral-spark.jar}) submitted as {@code spark-submit --master spark+corral://<master>} does,
 * with the distribution's Spark ({@code bridges/spark/spark-home/}): a driver JVM here, two executors
 * as Corral tasks. Its counts are checked word by word.
 */
public final class SparkWordCount implements DemoPart {
  private static final Pattern RESULT = Pattern.compile("^wordcount: (.*)$");
  private static final Pattern EXECUTORS = Pattern.compile("^executors: (.*)$");
  private static final Pattern COUNTS = Pattern.compile("^counts: (.*)$");
  static final int LINES = 200_000;

  @Override
  public String title() {
    return "spark wordcount";
  }

  @Override
  public PartResult run(DemoEnv env) throws Exception {
    Path home = env.installed("spark", "spark-home");
    Path bridge = env.installed("spark", "corral-spark.jar");
    Path dir = env.dir("spark");
    List<String> cmd = new ArrayList<>(List.of(ChildProcess.java(), "-Xmx512m", "-XX:+UseSerialGC"));
    cmd.addAll(moduleOptions(home.resolve("jars")));
    cmd.addAll(List.of("-cp", home.resolve("jars") + File.separator + "*",
        "org.apache.spark.deploy.SparkSubmit", "--master", "spark+corral://" + env.master(),
        "--deploy-mode", "client", "--name", "corral-demo-wordcount",
        "--conf", "spark.executor.instances=2", "--conf", "spark.executor.cores=1",
        "--conf", "spark.executor.memory=512m",
        "--conf", "spark.corral.executor.home=" + home,
        "--conf", "spark.driver.host=127.0.0.1", "--conf", "spark.ui.enabled=false",
        "--conf", "spark.local.dir=" + dir.resolve("tmp"),
        "--class", "io.corral.spark.examples.WordCount", bridge.toString(), Integer.toString(LINES), "8"));
    Set<String> before = Placement.frameworkIds(env.cluster());
    Path log = dir.resolve("driver.log");
    Matcher result;
    Matcher executors;
    Matcher counts;
    try (ChildProcess driver = ChildProcess.start("the Spark driver", cmd, log, Map.of(), dir)) {
      int rc = driver.awaitExit(Duration.ofMinutes(8));
      result = driver.find(RESULT);
      executors = driver.find(EXECUTORS);
      counts = driver.find(COUNTS);
      if (rc != 0 || result == null) {
        throw new DemoFailure("the driver exited " + rc + (result != null ? " (" + result.group(1) + ")" : "")
            + "; see " + log);
      }
    }
    Map<String, Long> counted = parse(counts == null ? "" : counts.group(1));
    if (!counted.equals(Words.counts(LINES))) {
      throw new DemoFailure("wrong counts " + counted + ", expected " + Words.counts(LINES) + "; see " + log);
    }
    List<String> details = new ArrayList<>(Placement.describe(env.cluster(), before));
    if (executors != null) {
      details.add("executors: " + executors.group(1));
    }
    details.add("driver log: " + log);
    return new PartResult(title(), true, 0, result.group(1), details);
  }

  /** {@code word=count word=count ...} as a map. */
  static Map<String, Long> parse(String counts) {
    Map<String, Long> m = new java.util.TreeMap<>();
    for (String kv : counts.trim().split(" ")) {
      int eq = kv.lastIndexOf('=');
      if (eq > 0) {
        m.put(kv.substring(0, eq), Long.parseLong(kv.substring(eq + 1)));
      }
    }
    return m;
  }

  /** The JVM options Spark's launcher gives every Spark JVM on Java 17 (read from spark-launcher itself). */
  static List<String> moduleOptions(Path jars) throws IOException, DemoFailure {
    Path launcher;
    try (Stream<Path> s = Files.list(jars)) {
      launcher = s.filter(p -> p.getFileName().toString().startsWith("spark-launcher_")).findFirst()
          .orElseThrow(() -> new DemoFailure("no spark-launcher jar in " + jars));
    }
    try (URLClassLoader cl = new URLClassLoader(new URL[] {launcher.toUri().toURL()}, null)) {
      Method m = cl.loadClass("org.apache.spark.launcher.JavaModuleOptions").getMethod("defaultModuleOptionArray");
      return List.of((String[]) m.invoke(null));
    } catch (ReflectiveOperationException e) {
      throw new DemoFailure("cannot read Spark's Java module options from " + launcher + ": " + e);
    }
  }
}
