package io.corral.fetcher.hdfs;

import static io.corral.fetcher.hdfs.HdfsCopyContract.FAILED;
import static io.corral.fetcher.hdfs.HdfsCopyContract.NOT_FOUND;
import static io.corral.fetcher.hdfs.HdfsCopyContract.REFUSED;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.hdfs.DistributedFileSystem;
import org.apache.hadoop.hdfs.web.WebHdfsFileSystem;

/** The copies themselves, through Hadoop's {@link FileSystem} API. Runs inside the helper only. */
final class HdfsFiles {
  static final int BUFFER_BYTES = 256 * 1024;
  static final String HADOOP_CONF_DIR = "HADOOP_CONF_DIR";
  /** Suffix of the file {@code put} writes before renaming it over the target (as {@code hadoop fs -put}). */
  static final String COPYING_SUFFIX = "._COPYING_";
  /** Hadoop's {@code CommonConfigurationKeys.FS_CLIENT_RESOLVE_REMOTE_SYMLINKS_KEY}. */
  static final String RESOLVE_REMOTE_SYMLINKS = "fs.client.resolve.remote.symlinks";

  private final Configuration conf;

  HdfsFiles(Configuration conf) {
    this.conf = conf;
  }

  /** With {@link #configuration}: the classpath's and {@code $HADOOP_CONF_DIR}'s. */
  static HdfsFiles configured(Map<String, String> env) {
    return new HdfsFiles(configuration(env));
  }

  /**
   * Hadoop's configuration as its users expect it: the defaults and the {@code *-site.xml} files
   * on the classpath, then {@code core-site.xml} and {@code hdfs-site.xml} of
   * {@code $HADOOP_CONF_DIR}, which win.
   */
  static Configuration configuration(Map<String, String> env) {
    // What HdfsConfiguration does, through public API: HDFS settings (HA nameservices, ...) in every Configuration.
    Configuration.addDefaultResource("hdfs-default.xml");
    Configuration.addDefaultResource("hdfs-site.xml");
    Configuration conf = new Configuration();
    String confDir = env.get(HADOOP_CONF_DIR);
    if (confDir != null && !confDir.isBlank()) {
      for (String name : List.of("core-site.xml", "hdfs-site.xml")) {
        java.nio.file.Path file = java.nio.file.Path.of(confDir, name);
        if (Files.isRegularFile(file)) {
          conf.addResource(new Path(file.toAbsolutePath().toUri()));
        }
      }
    }
    return conf;
  }

  /**
   * Copies the file at {@code uri} to {@code dest}, refusing directories and files over
   * {@code maxBytes}. A symbolic link in HDFS is never followed to another file system (such as
   * this host's {@code file:}): Hadoop 3 refuses symlinks anyway, and remote resolution is off too.
   */
  long get(URI uri, java.nio.file.Path dest, long maxBytes) throws IOException, CopyFailure {
    Configuration conf = new Configuration(this.conf);
    conf.setBoolean(RESOLVE_REMOTE_SYMLINKS, false);
    try (FileSystem fs = FileSystem.newInstance(uri, conf)) {
      Path path = new Path(uri);
      FileStatus status = status(fs, path, uri);
      if (status.isDirectory()) {
        throw new CopyFailure(REFUSED, "is a directory: " + uri);
      }
      long length = status.getLen();
      if (length > maxBytes) {
        throw new CopyFailure(REFUSED, "too large: " + uri + " has " + length + " bytes, the limit is " + maxBytes);
      }
      long copied;
      try (FSDataInputStream in = open(fs, path, uri);
          OutputStream out = Files.newOutputStream(dest, StandardOpenOption.CREATE,
              StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
        copied = copy(in, out, length + 1); // one byte more: notices a file that grew
      }
      if (copied != length) {
        throw new CopyFailure(FAILED, "length changed while copying " + uri + ": expected " + length
            + " bytes, read " + (copied > length ? "more" : copied));
      }
      return copied;
    }
  }

  /**
   * Uploads {@code local} to {@code uri}, creating parent directories and replacing an existing
   * file. Writes {@code <name>._COPYING_} first and renames it over the target, so readers see the
   * old file or the new one, never half of one (on HDFS and WebHDFS the rename is atomic).
   */
  long put(java.nio.file.Path local, URI uri) throws IOException, CopyFailure {
    if (!Files.exists(local)) {
      throw new CopyFailure(NOT_FOUND, "no such file: " + local);
    }
    if (!Files.isRegularFile(local)) {
      throw new CopyFailure(REFUSED, "not a regular file: " + local);
    }
    try (FileSystem fs = FileSystem.newInstance(uri, conf)) {
      Path target = fs.makeQualified(new Path(uri));
      if (fs.exists(target) && fs.getFileStatus(target).isDirectory()) {
        throw new CopyFailure(REFUSED, "is a directory: " + uri);
      }
      Path parent = target.getParent();
      if (parent == null) {
        throw new CopyFailure(FAILED, "not a file path: " + uri);
      }
      fs.mkdirs(parent);
      Path temp = new Path(parent, target.getName() + COPYING_SUFFIX);
      boolean replaced = false;
      try {
        long copied;
        try (InputStream in = Files.newInputStream(local); FSDataOutputStream out = fs.create(temp, true, BUFFER_BYTES)) {
          copied = copy(in, out, Long.MAX_VALUE);
        }
        replace(fs, temp, target);
        replaced = true;
        long stored = fs.getFileStatus(target).getLen();
        if (stored != copied) {
          throw new CopyFailure(FAILED, "wrote " + copied + " bytes to " + uri + " but it has " + stored);
        }
        return copied;
      } finally {
        if (!replaced) {
          deleteQuietly(fs, temp);
        }
      }
    }
  }

  /** The length of the file at {@code uri}. */
  long length(URI uri) throws IOException, CopyFailure {
    try (FileSystem fs = FileSystem.newInstance(uri, conf)) {
      FileStatus status = status(fs, new Path(uri), uri);
      if (status.isDirectory()) {
        throw new CopyFailure(REFUSED, "is a directory: " + uri);
      }
      return status.getLen();
    }
  }

  private static FileStatus status(FileSystem fs, Path path, URI uri) throws IOException, CopyFailure {
    try {
      return fs.getFileStatus(path);
    } catch (FileNotFoundException e) {
      throw new CopyFailure(NOT_FOUND, "no such file: " + uri);
    }
  }

  private static FSDataInputStream open(FileSystem fs, Path path, URI uri) throws IOException, CopyFailure {
    try {
      return fs.open(path, BUFFER_BYTES);
    } catch (FileNotFoundException e) { // deleted since getFileStatus
      throw new CopyFailure(NOT_FOUND, "no such file: " + uri);
    }
  }

  private static void replace(FileSystem fs, Path temp, Path target) throws IOException {
    if (fs instanceof DistributedFileSystem dfs) {
      dfs.rename(temp, target, Options.Rename.OVERWRITE);
    } else if (fs instanceof WebHdfsFileSystem webhdfs) {
      webhdfs.rename(temp, target, Options.Rename.OVERWRITE);
    } else {
      fs.delete(target, false);
      if (!fs.rename(temp, target)) {
        throw new IOException("could not rename " + temp + " to " + target);
      }
    }
  }

  private static void deleteQuietly(FileSystem fs, Path path) {
    try {
      fs.delete(path, false);
    } catch (IOException e) {
      // best effort: the next put of this file replaces it
    }
  }

  /** Copies at most {@code limit} bytes; returns how many were copied. */
  static long copy(InputStream in, OutputStream out, long limit) throws IOException {
    byte[] buffer = new byte[BUFFER_BYTES];
    long total = 0;
    while (total < limit) {
      int n = in.read(buffer, 0, (int) Math.min(buffer.length, limit - total));
      if (n < 0) {
        break;
      }
      out.write(buffer, 0, n);
      total += n;
    }
    return total;
  }
}
