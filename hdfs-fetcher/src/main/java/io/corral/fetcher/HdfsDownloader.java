package io.corral.fetcher;

import io.corral.fetcher.hdfs.HdfsCopyContract;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeoutException;

/**
 * Downloads {@code hdfs://}, {@code webhdfs://} and {@code swebhdfs://} URIs through the HDFS
 * helper process ({@code HdfsCopy get}), which has Hadoop's client on its classpath; this JVM
 * does not. The helper writes {@code <dest>.part}, renamed to {@code dest} once its size matches
 * the byte count the helper reported (which the helper checked against the namenode's length).
 * The whole fetch is bounded by {@link FetcherConfig#totalTimeout()}; the helper is killed then.
 * Thread-safe: each download runs its own helper.
 */
final class HdfsDownloader implements Downloader {
  static final Set<String> SCHEMES = HdfsCopyContract.SCHEMES;

  private final HdfsHelper helper;
  private final Duration timeout;

  HdfsDownloader(HdfsSupport hdfs, FetcherConfig config) {
    this.helper = new HdfsHelper(hdfs);
    this.timeout = Objects.requireNonNull(config.totalTimeout(), "totalTimeout");
  }

  @Override
  public long download(URI uri, Path dest, long maxBytes) throws FetchException, InterruptedException {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!SCHEMES.contains(scheme)) {
      throw new FetchException(uri.toString(), "fetch failed: " + uri + ": not an HDFS URI");
    }
    Path part = dest.resolveSibling(dest.getFileName() + ".part");
    try {
      HdfsHelper.Outcome outcome = helper.run(
          List.of(HdfsCopyContract.GET, uri.toString(), part.toString(), Long.toString(maxBytes)),
          dest.toAbsolutePath().getParent(), timeout);
      if (outcome.exitCode() != HdfsCopyContract.OK) {
        throw failed(uri, outcome.describe());
      }
      long bytes = outcome.result(HdfsCopyContract.BYTES)
          .orElseThrow(() -> failed(uri, "the HDFS helper reported no byte count"));
      long written = Files.size(part);
      if (written != bytes) {
        throw failed(uri, "the HDFS helper reported " + bytes + " bytes but wrote " + written);
      }
      if (bytes > maxBytes) {
        throw failed(uri, "too large: " + bytes + " bytes, the limit is " + maxBytes);
      }
      Files.move(part, dest, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      return bytes;
    } catch (TimeoutException e) {
      throw failed(uri, e.getMessage());
    } catch (IOException e) {
      throw new FetchException(uri.toString(), "fetch failed: " + uri + ": " + e.getMessage(), e);
    } finally {
      deleteQuietly(part);
    }
  }

  private static FetchException failed(URI uri, String why) {
    return new FetchException(uri.toString(), "fetch failed: " + uri + ": " + why);
  }

  private static void deleteQuietly(Path path) {
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      // the fetcher removes its temporary directory anyway
    }
  }
}
