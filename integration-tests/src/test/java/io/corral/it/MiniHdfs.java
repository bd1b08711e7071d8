package io.corral.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hdfs.MiniDFSCluster;

/** A real HDFS in the test JVM (one namenode, one datanode), for the fetcher's end-to-end tests. */
final class MiniHdfs implements AutoCloseable {
  private final MiniDFSCluster cluster;

  private MiniHdfs(MiniDFSCluster cluster) {
    this.cluster = cluster;
  }

  static MiniHdfs start(Path dir) {
    try {
      Configuration conf = new Configuration();
      conf.setInt("dfs.replication", 1);
      conf.setInt("dfs.namenode.handler.count", 4);
      return new MiniHdfs(new MiniDFSCluster.Builder(conf, dir.toFile()).numDataNodes(1).build());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start MiniDFSCluster", e);
    }
  }

  /** {@code hdfs://host:port/path}. */
  URI uri(String path) {
    return URI.create(cluster.getURI() + path);
  }

  /** The HDFS helper's classpath, as the build wrote it (the distribution's lib/*:lib/hdfs/*). */
  static String helperClasspath() {
    String file = System.getProperty("corral.hdfs.helper.classpath.file");
    try {
      return Files.readString(Path.of(file)).trim();
    } catch (IOException | NullPointerException e) {
      throw new IllegalStateException("no HDFS helper classpath file (corral.hdfs.helper.classpath.file)", e);
    }
  }

  @Override
  public void close() {
    cluster.shutdown();
  }
}
