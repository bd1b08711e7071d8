package io.corral.fetcher;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How an agent fetches.
 *
 * @param cacheDir where cached downloads (and their extracted trees) live; on the same file
 *     system as the sandboxes, so cached files can be hard-linked into them
 * @param cacheBytes the cache's size limit; least recently used entries are evicted (Mesos: 2 GiB)
 * @param maxDownloadBytes largest download accepted for one URI
 * @param maxExtractedBytes largest total size an archive may unpack to (decompression bombs)
 * @param connectTimeout time to connect to an HTTP server
 * @param stallTimeout a download that receives nothing for this long fails (Mesos: 1 min)
 * @param totalTimeout a single URI's fetch fails after this long
 * @param hdfs how to run the HDFS helper process (null: hdfs:// and webhdfs:// are refused)
 */
public record FetcherConfig(
    Path cacheDir,
    long cacheBytes,
    long maxDownloadBytes,
    long maxExtractedBytes,
    Duration connectTimeout,
    Duration stallTimeout,
    Duration totalTimeout,
    HdfsSupport hdfs) {

  public static final long GIB = 1024L * 1024 * 1024;

  public FetcherConfig {
    Objects.requireNonNull(cacheDir, "cacheDir");
    if (cacheBytes < 0 || maxDownloadBytes <= 0 || maxExtractedBytes <= 0) {
      throw new IllegalArgumentException("fetcher size limits must be positive");
    }
  }

  /** The defaults: 2 GiB cache, 2 GiB per download, 8 GiB unpacked, 30 s connect, 1 min stall, 1 h total. */
  public static FetcherConfig defaults(Path cacheDir, HdfsSupport hdfs) {
    return new FetcherConfig(cacheDir, 2 * GIB, 2 * GIB, 8 * GIB, Duration.ofSeconds(30), Duration.ofMinutes(1),
        Duration.ofHours(1), hdfs);
  }
}
