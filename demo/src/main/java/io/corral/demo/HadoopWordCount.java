package io.corral.demo;

import java.io.BufferedWriter;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Hadoop's own WordCount ({@code hadoop-mapreduce-examples}) submitted with
 * {@code mapreduce.framework.name=corral}: a client JVM with the distribution's Hadoop runtime
 * ({@code bridges/hadoop/hadoop-lib/}) and {@code corral-hadoop.jar}, as {@code hadoop jar} would run
 * it; input and output on the local file system. The agents' JVMs (the job's AM, TaskTracker
 * executors, map and reduce tasks) get the client's classpath (one machine). The output is checked
 * word by word.
 */
public final class HadoopWordCount implements DemoPart {
  static final int FILES = 4;
  static final int LINES_PER_FILE = 25_000;

  @Override
  public String title() {
    return "hadoop wordcount";
  }

  @Override
  public PartResult run(DemoEnv env) throws Exception {
    Path lib = env.installed("hadoop", "hadoop-lib");
    Path bridge = env.installed("hadoop", "corral-hadoop.jar");
    Path dir = env.dir("hadoop");
    Path input = writeInput(dir.resolve("input"));
    Path output = dir.resolve("output");
    Path log4j = dir.resolve("log4j.properties");
    Files.writeString(log4j, String.join("\n", "log4j.rootLogger=INFO,console",
        "log4j.appender.console=org.apache.log4j.ConsoleAppender",
        "log4j.appender.console.layout=org.apache.log4j.PatternLayout",
        "log4j.appender.console.layout.ConversionPattern=%d{ISO8601} %p %c{2}: %m%n", ""));
    List<String> cmd = new ArrayList<>(List.of(ChildProcess.java(), "-Xmx384m", "-XX:+UseSerialGC",
        "-cp", lib + File.separator + "*" + File.pathSeparator + bridge,
        "-Dlog4j.configuration=" + log4j.toUri(), "-Dhadoop.log.dir=" + dir.resolve("logs"),
        "org.apache.hadoop.examples.WordCount",
        "-Dmapreduce.framework.name=corral", "-Dcorral.master=" + env.master(),
        "-Dhadoop.tmp.dir=" + dir.resolve("tmp"),
        "-Dyarn.app.mapreduce.am.staging-dir=" + dir.resolve("staging"),
        "-Dyarn.app.mapreduce.am.resource.mb=768", "-Dyarn.app.mapreduce.am.command-opts=-Xmx512m",
        "-Dmapreduce.map.memory.mb=512", "-Dmapreduce.map.java.opts=-Xmx384m",
        "-Dmapreduce.reduce.memory.mb=512", "-Dmapreduce.reduce.java.opts=-Xmx384m",
        "-Dmapreduce.job.reduces=2",
        input.toUri().toString(), output.toUri().toString()));
    Set<String> before = Placement.frameworkIds(env.cluster());
    int rc;
    try (ChildProcess client = ChildProcess.start("the Hadoop job client", cmd, dir.resolve("client.log"), Map.of(),
        dir)) {
      rc = client.awaitExit(Duration.ofMinutes(8));
      if (rc != 0) {
        throw new DemoFailure("the job client exited " + rc + "; see " + client.log());
      }
    }
    Map<String, Long> counted = readOutput(output);
    Map<String, Long> expected = Words.counts((long) FILES * LINES_PER_FILE);
    if (!counted.equals(expected)) {
      throw new DemoFailure("wrong counts in " + output + ": " + counted + ", expected " + expected);
    }
    long words = counted.values().stream().mapToLong(Long::longValue).sum();
    List<String> details = new ArrayList<>(Placement.describe(env.cluster(), before));
    details.add("output: " + output + " (checked; client log: " + dir.resolve("client.log") + ")");
    return new PartResult(title(), true, 0, words + " words (" + counted.size() + " distinct) in " + FILES
        + " files counted", details);
  }

  private static Path writeInput(Path dir) throws IOException {
    Files.createDirectories(dir);
    long i = 0;
    for (int f = 0; f < FILES; f++) {
      try (BufferedWriter w = Files.newBufferedWriter(dir.resolve("part-" + f + ".txt"), StandardCharsets.UTF_8)) {
        for (int l = 0; l < LINES_PER_FILE; l++) {
          w.write(Words.line(i++));
          w.newLine();
        }
      }
    }
    return dir;
  }

  /** WordCount's output: "word TAB count" lines in part-r-* files, after _SUCCESS. */
  private static Map<String, Long> readOutput(Path output) throws IOException, DemoFailure {
    if (!Files.exists(output.resolve("_SUCCESS"))) {
      throw new DemoFailure("the job left no " + output.resolve("_SUCCESS"));
    }
    Map<String, Long> counts = new TreeMap<>();
    try (Stream<Path> parts = Files.list(output)) {
      for (Path p : parts.filter(p -> p.getFileName().toString().startsWith("part-r-")).toList()) {
        for (String line : Files.readAllLines(p, StandardCharsets.UTF_8)) {
          String[] kv = line.split("\t");
          counts.merge(kv[0], Long.parseLong(kv[1]), Long::sum);
        }
      }
    }
    return counts;
  }
}
