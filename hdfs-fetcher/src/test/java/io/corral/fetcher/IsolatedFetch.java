package io.corral.fetcher;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * An agent's fetch of one HDFS URI, for {@link HadoopIsolationTest}, which loads this class in a
 * class loader without Hadoop: only JDK types cross that boundary.
 */
public final class IsolatedFetch {
  private IsolatedFetch() {}

  public static long fetch(List<String> helperCommand, Map<String, String> helperEnvironment, String uri,
      String dest, long maxBytes) throws FetchException, InterruptedException {
    HdfsSupport hdfs = new HdfsSupport(helperCommand, helperEnvironment);
    Path target = Path.of(dest);
    FetcherConfig config = new FetcherConfig(target.resolveSibling("cache"), FetcherConfig.GIB, FetcherConfig.GIB,
        FetcherConfig.GIB, Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofSeconds(60), hdfs);
    return new HdfsDownloader(hdfs, config).download(URI.create(uri), target, maxBytes);
  }
}
