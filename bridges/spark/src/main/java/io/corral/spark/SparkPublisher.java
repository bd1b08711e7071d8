package io.corral.spark;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;

/**
 * Publishes the driver's Spark jars as a distribution the agents fetch ({@value #PUBLISH_DIR}),
 * once per content: the file is named after the jars (names and sizes), so the first application
 * of a Spark build writes it (to a temporary name, then renamed) and every later one reuses it.
 * The jars are a Spark installation's {@code jars/}, or those of the driver's classpath when it runs
 * from none ({@link DriverSpark#jars()}). Written with the driver's Hadoop file system client (HDFS,
 * or any file system Hadoop knows), as a plain tar (jars are compressed already) holding
 * {@code spark-<version>/jars/}.
 */
final class SparkPublisher {
  static final String PUBLISH_DIR = "spark.corral.executor.publishDir";

  private SparkPublisher() {}

  /** What happened: the distribution's URI, and whether this call wrote it. */
  record Published(String uri, boolean written) {}

  /**
   * @param jars the jars to publish, each name once
   */
  static Published publish(List<Path> jars, String dir, String sparkVersion, Configuration hadoop) throws IOException {
    if (jars.isEmpty()) {
      throw new IOException("no jars to publish");
    }
    String name = "spark-" + sparkVersion + "-" + key(jars) + ".tar";
    org.apache.hadoop.fs.Path target = new org.apache.hadoop.fs.Path(dir, name);
    FileSystem fs = target.getFileSystem(hadoop);
    String uri = fs.makeQualified(target).toUri().toString();
    if (fs.exists(target)) {
      return new Published(uri, false);
    }
    org.apache.hadoop.fs.Path tmp = new org.apache.hadoop.fs.Path(dir, "." + name + "." + UUID.randomUUID() + ".tmp");
    try {
      try (OutputStream file = fs.create(tmp, false); TarArchiveOutputStream tar = new TarArchiveOutputStream(file)) {
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        for (Path jar : jars) {
          tar.putArchiveEntry(new TarArchiveEntry(jar.toFile(), "spark-" + sparkVersion + "/jars/" + jar.getFileName()));
          Files.copy(jar, tar);
          tar.closeArchiveEntry();
        }
      }
      if (!fs.rename(tmp, target) && !fs.exists(target)) {
        throw new IOException("could not rename " + tmp + " to " + target);
      }
      return new Published(uri, true);
    } finally {
      fs.delete(tmp, false);
    }
  }

  /** 16 hex digits of SHA-256 over the jars' names and sizes, in the order of their names. */
  static String key(List<Path> jars) throws IOException {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (Path jar : jars.stream().sorted(java.util.Comparator.comparing(p -> p.getFileName().toString())).toList()) {
        sha.update((jar.getFileName() + ":" + Files.size(jar) + "\n").getBytes(StandardCharsets.UTF_8));
      }
      return HexFormat.of().formatHex(sha.digest()).substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
