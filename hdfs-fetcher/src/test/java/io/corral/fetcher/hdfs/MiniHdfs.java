package io.corral.fetcher.hdfs;

import io.corral.fetcher.HdfsSupport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real HDFS for tests: one {@link MiniDFSCluster} (a namenode serving RPC and WebHDFS, one
 * datanode) in the test JVM, started once and shared by every test class through
 * {@link MiniHdfsExtension}. Data under {@code target/test-tmp/minidfs}. Also knows how to start
 * the HDFS helper against it, with the classpath the distribution gives it.
 */
public final class MiniHdfs implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MiniHdfs.class);
  private static final AtomicInteger SEQ = new AtomicInteger();

  private final MiniDFSCluster cluster;
  private final FileSystem fs;
  private final Path tmp;
  private final Duration startup;

  private MiniHdfs(MiniDFSCluster cluster, Path tmp, Duration startup) throws IOException {
    this.cluster = cluster;
    this.fs = cluster.getFileSystem();
    this.tmp = tmp;
    this.startup = startup;
  }

  static MiniHdfs start() {
    try {
      Path tmp = Path.of(System.getProperty("corral.test.tmp", "target/test-tmp")).toAbsolutePath();
      Path base = tmp.resolve("minidfs");
      deleteTree(base);
      Configuration conf = new Configuration();
      conf.setInt("dfs.replication", 1);
      conf.setBoolean("dfs.webhdfs.enabled", true); // the default in Hadoop 3; WebHDFS is served on the namenode's HTTP port
      conf.setInt("dfs.namenode.handler.count", 4);
      conf.setInt("dfs.datanode.handler.count", 2);
      long started = System.nanoTime();
      MiniDFSCluster cluster = new MiniDFSCluster.Builder(conf, base.toFile())
          .numDataNodes(1)
          .build(); // waits until the datanode has registered and safe mode is off
      Duration took = Duration.ofNanos(System.nanoTime() - started);
      LOG.info("MiniDFSCluster started in {} ms: {}", took.toMillis(), cluster.getURI());
      return new MiniHdfs(cluster, tmp, took);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start MiniDFSCluster", e);
    }
  }

  /** {@code hdfs://host:port} of the namenode. */
  public URI hdfsUri() {
    return cluster.getURI();
  }

  /** {@code webhdfs://host:port} of the namenode's HTTP server. */
  public URI webhdfsUri() {
    InetSocketAddress http = cluster.getNameNode().getHttpAddress();
    return URI.create("webhdfs://" + http.getHostString() + ":" + http.getPort());
  }

  /** {@code hdfs://host:port/path}. */
  public URI hdfs(String path) {
    return hdfsUri().resolve(path);
  }

  /** The cluster's file system, in this JVM, to arrange and inspect files. */
  public FileSystem fs() {
    return fs;
  }

  /** How long {@link #start()} took. */
  public Duration startup() {
    return startup;
  }

  /** Writes a file on HDFS. */
  public void write(String path, byte[] content) throws IOException {
    try (FSDataOutputStream out = fs.create(new org.apache.hadoop.fs.Path(path), true)) {
      out.write(content);
    }
  }

  /** Reads a file on HDFS. */
  public byte[] read(String path) throws IOException {
    try (var in = fs.open(new org.apache.hadoop.fs.Path(path))) {
      return in.readAllBytes();
    }
  }

  /** The helper as the agent starts it: its own JVM, this module's classes and lib/hdfs/'s jars. */
  public HdfsSupport helper(Map<String, String> environment) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return HdfsSupport.java(java, helperClasspath(), environment);
  }

  /**
   * This module's classes, then the jars listed by maven-dependency-plugin:build-classpath (see
   * the pom): hadoop-client-api and -runtime, SLF4J with jcl-over-slf4j, Logback. No minicluster.
   */
  static String helperClasspath() {
    String file = System.getProperty("corral.hdfs.helper.classpath.file", "target/hdfs-helper.classpath");
    try {
      String jars = Files.readString(Path.of(file), StandardCharsets.UTF_8).strip();
      return location(HdfsCopy.class) + java.io.File.pathSeparator + jars;
    } catch (IOException e) {
      throw new UncheckedIOException("no helper classpath (run through Maven: the pom writes " + file + ")", e);
    }
  }

  /** The directory or jar a class was loaded from. */
  static String location(Class<?> type) {
    try {
      return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A new, empty local directory for one test. */
  public Path newDir(String name) throws IOException {
    Path dir = tmp.resolve("hdfs-" + name + "-" + SEQ.incrementAndGet());
    deleteTree(dir);
    return Files.createDirectories(dir);
  }

  @Override
  public void close() throws IOException {
    long started = System.nanoTime();
    try {
      fs.close();
    } finally {
      cluster.shutdown(true);
    }
    LOG.info("MiniDFSCluster stopped in {} ms", Duration.ofNanos(System.nanoTime() - started).toMillis());
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
