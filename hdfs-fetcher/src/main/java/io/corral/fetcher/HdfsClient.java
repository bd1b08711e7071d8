package io.corral.fetcher;

import io.corral.fetcher.hdfs.HdfsCopyContract;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.TimeoutException;

/**
 * Uploads to and inspects HDFS through the HDFS helper process, for tools such as
 * {@code corral bundle push}. Like {@link HdfsDownloader}, it keeps Hadoop out of the calling JVM.
 * Thread-safe: every call starts its own helper.
 */
public final class HdfsClient {
  private final HdfsHelper helper;
  private final Duration timeout;
  private final Path workDir;

  /**
   * @param hdfs how to start the helper
   * @param timeout the longest one call may take; the helper is killed then
   */
  public HdfsClient(HdfsSupport hdfs, Duration timeout) {
    this.helper = new HdfsHelper(hdfs);
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    this.workDir = Path.of(System.getProperty("java.io.tmpdir"));
  }

  /**
   * Uploads {@code local} to {@code uri} (hdfs:// or webhdfs://), creating parent directories and
   * replacing an existing file atomically.
   *
   * @return the number of bytes uploaded
   * @throws IOException with a one-line reason (no such local file, namenode unreachable, ...)
   */
  public long put(Path local, URI uri) throws IOException, InterruptedException {
    HdfsHelper.Outcome outcome = run("put " + local + " to " + uri,
        List.of(HdfsCopyContract.PUT, local.toAbsolutePath().toString(), uri.toString()));
    if (outcome.exitCode() != HdfsCopyContract.OK) {
      throw new IOException("put " + local + " to " + uri + " failed: " + outcome.describe());
    }
    return outcome.result(HdfsCopyContract.BYTES)
        .orElseThrow(() -> new IOException("put " + uri + ": the HDFS helper reported no byte count"));
  }

  /** The length of the file at {@code uri}, or empty if there is no such file. */
  public OptionalLong length(URI uri) throws IOException, InterruptedException {
    HdfsHelper.Outcome outcome = run("stat " + uri, List.of(HdfsCopyContract.STAT, uri.toString()));
    if (outcome.exitCode() == HdfsCopyContract.NOT_FOUND) {
      return OptionalLong.empty();
    }
    if (outcome.exitCode() != HdfsCopyContract.OK) {
      throw new IOException("stat " + uri + " failed: " + outcome.describe());
    }
    OptionalLong length = outcome.result(HdfsCopyContract.LENGTH);
    if (length.isEmpty()) {
      throw new IOException("stat " + uri + ": the HDFS helper reported no length");
    }
    return length;
  }

  private HdfsHelper.Outcome run(String what, List<String> args) throws IOException, InterruptedException {
    try {
      return helper.run(args, workDir, timeout);
    } catch (TimeoutException e) {
      throw new IOException(what + ": " + e.getMessage(), e);
    }
  }
}
