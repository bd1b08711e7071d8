package io.corral.benchmarks;

import io.corral.fetcher.HdfsSupport;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The processes {@link FetchBenchmark} starts, and their classpaths. The benchmark's own classpath
 * ({@code target/lib}) has no Hadoop; Hadoop's jars are in {@code target/hadoop-lib} (see the pom)
 * and go only to:
 *
 * <ul>
 *   <li>the HDFS helper, started as the agent starts it ({@link HdfsSupport#java}): the benchmark's
 *       classpath, then Hadoop's client, as {@code lib/*:lib/hdfs/*} of the distribution;
 *   <li>{@code hdfs dfs}, i.e. {@code org.apache.hadoop.fs.FsShell}, on Hadoop's shaded client and
 *       what it needs (SLF4J with a console logger, commons-logging bridged to it, snappy), in a JVM
 *       with the options {@code bin/hdfs} gives it;
 *   <li>the MiniDFSCluster's JVM ({@link BenchHdfsProcess}).
 * </ul>
 *
 * The helper and {@code hdfs dfs} read the same Hadoop configuration directory:
 * {@code HADOOP_CONF_DIR} for the helper, the head of the classpath for {@code hdfs dfs}, as
 * {@code bin/hdfs} arranges it.
 */
final class HdfsCommands {
  /** Where Hadoop's jars are, if not {@code hadoop-lib} next to this module's jar. */
  static final String HADOOP_LIB_PROPERTY = "corral.benchmarks.hadoop.lib";
  /** Jars of hadoop-lib that only the minicluster needs. */
  private static final List<String> MINICLUSTER_ONLY = List.of("hadoop-client-minicluster-", "jakarta.xml.bind-api-",
      "jakarta.activation-api-");
  /** Jars of {@code hdfs dfs}: Hadoop's client and what it needs at run time. */
  private static final List<String> FS_SHELL_JARS = List.of("hadoop-client-api-", "hadoop-client-runtime-",
      "snappy-java-", "jcl-over-slf4j-", "slf4j-api-", "slf4j-simple-");
  private static final int TAIL_CHARS = 2000;

  private final String java;
  private final List<String> own;
  private final List<String> hadoop;
  private final Path confDir;

  private HdfsCommands(String java, List<String> own, List<String> hadoop, Path confDir) {
    this.java = java;
    this.own = own;
    this.hadoop = hadoop;
    this.confDir = confDir;
  }

  /**
   * With this JVM's java binary and classpath (entries made absolute), and Hadoop's jars.
   *
   * @param confDir Hadoop's configuration ({@code core-site.xml}, {@code hdfs-site.xml})
   */
  static HdfsCommands ofThisJvm(Path confDir) throws IOException {
    List<String> own = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      if (entry.endsWith("*")) {
        own.addAll(jars(Path.of(entry.substring(0, entry.length() - 1))));
      } else if (!entry.isEmpty()) {
        own.add(Path.of(entry).toAbsolutePath().toString());
      }
    }
    List<String> hadoop = jars(hadoopLib());
    if (hadoop.stream().noneMatch(jar -> named(jar, List.of("hadoop-client-minicluster-")))) {
      throw new IllegalStateException("no Hadoop jars in " + hadoopLib() + ": build with ./mvnw -pl benchmarks -am"
          + " package, or set -D" + HADOOP_LIB_PROPERTY);
    }
    return new HdfsCommands(Path.of(System.getProperty("java.home"), "bin", "java").toString(), own, hadoop,
        confDir.toAbsolutePath());
  }

  /** {@code hadoop-lib} next to the jar (or classes directory) this class came from. */
  static Path hadoopLib() {
    String configured = System.getProperty(HADOOP_LIB_PROPERTY);
    if (configured != null) {
      return Path.of(configured).toAbsolutePath();
    }
    try {
      Path location = Path.of(HdfsCommands.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      return location.toAbsolutePath().getParent().resolve("hadoop-lib");
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The HDFS helper as the agent runs it. */
  HdfsSupport helper() {
    List<String> client = hadoop.stream().filter(jar -> !named(jar, MINICLUSTER_ONLY)).toList();
    return HdfsSupport.java(java, join(own, client), Map.of("HADOOP_CONF_DIR", confDir.toString()));
  }

  /** The helper's command line with {@code args} (as the agent's {@code HdfsHelper} runs it). */
  List<String> helper(String... args) {
    List<String> command = new ArrayList<>(helper().command());
    command.addAll(List.of(args));
    return command;
  }

  /** {@code hdfs dfs <args>}. */
  List<String> fsShell(String... args) {
    List<String> jars = Stream.concat(hadoop.stream(), own.stream()).filter(jar -> named(jar, FS_SHELL_JARS)).toList();
    if (jars.size() != FS_SHELL_JARS.size()) {
      throw new IllegalStateException("hdfs dfs needs " + FS_SHELL_JARS + ", found " + jars);
    }
    List<String> command = new ArrayList<>(List.of(java,
        "-Dproc_dfs", "-Djava.net.preferIPv4Stack=true", // what bin/hdfs adds
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=info", // bin/hdfs: INFO to the console
        "-cp", join(List.of(confDir.toString()), jars), // FsShell insists on finding core-site.xml
        "org.apache.hadoop.fs.FsShell"));
    command.addAll(List.of(args));
    return command;
  }

  /** The classpath of the MiniDFSCluster's JVM: the benchmark's and all of Hadoop's jars. */
  String cluster() {
    return join(own, hadoop);
  }

  /**
   * Runs {@code command} with {@code HADOOP_CONF_DIR} set and returns its wall time in
   * nanoseconds, from starting the process to its exit. Its output goes to files in {@code dir} (as
   * the agent's helper's does), read back only when it fails.
   */
  long time(List<String> command, Path dir) throws IOException, InterruptedException {
    Path out = Files.createTempFile(dir, "process-", ".out");
    Path err = Files.createTempFile(dir, "process-", ".err");
    try {
      ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
      builder.environment().put("HADOOP_CONF_DIR", confDir.toString());
      long start = System.nanoTime();
      Process process = builder.start();
      process.getOutputStream().close();
      try {
        if (!process.waitFor(10, TimeUnit.MINUTES)) {
          throw new IOException("still running after 10 minutes: " + command);
        }
      } finally {
        process.destroyForcibly();
      }
      long took = System.nanoTime() - start;
      if (process.exitValue() != 0) {
        throw new IOException("exit code " + process.exitValue() + " from " + String.join(" ", command) + ":\n"
            + tail(err) + tail(out));
      }
      return took;
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  /** Writes {@code core-site.xml} (the default file system) and {@code hdfs-site.xml} into {@code dir}. */
  static Path writeConf(Path dir, URI defaultFs) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("core-site.xml"), """
        <?xml version="1.0"?>
        <configuration>
          <property><name>fs.defaultFS</name><value>%s</value></property>
        </configuration>
        """.formatted(defaultFs));
    Files.writeString(dir.resolve("hdfs-site.xml"), """
        <?xml version="1.0"?>
        <configuration>
          <property><name>dfs.replication</name><value>1</value></property>
        </configuration>
        """);
    return dir;
  }

  private static List<String> jars(Path dir) throws IOException {
    List<String> jars = new ArrayList<>();
    if (Files.isDirectory(dir)) {
      try (DirectoryStream<Path> found = Files.newDirectoryStream(dir, "*.jar")) {
        found.forEach(jar -> jars.add(jar.toAbsolutePath().toString()));
      }
    }
    jars.sort(null);
    return jars;
  }

  private static String join(List<String> first, List<String> second) {
    return String.join(File.pathSeparator, Stream.concat(first.stream(), second.stream()).toList());
  }

  private static boolean named(String jar, List<String> prefixes) {
    String name = Path.of(jar).getFileName().toString();
    return prefixes.stream().anyMatch(name::startsWith);
  }

  private static String tail(Path file) throws IOException {
    String text = Files.readString(file, StandardCharsets.UTF_8);
    return text.length() <= TAIL_CHARS ? text : "..." + text.substring(text.length() - TAIL_CHARS);
  }
}
