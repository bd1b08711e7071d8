package io.corral.services.app;

import java.util.Locale;
import java.util.Objects;

/**
 * One artifact the task's sandbox fetches before the command starts (Marathon's {@code fetch}).
 *
 * @param uri where from (http, https, hdfs, file, ...)
 * @param extract unpack an archive into the sandbox
 * @param executable mark the fetched file executable
 * @param cache keep it in the agent's fetch cache
 * @param outputFile the name to store it under, null for the uri's last segment
 */
public record FetchUri(String uri, boolean extract, boolean executable, boolean cache, String outputFile) {
  private static final String[] ARCHIVES = {".tar", ".tar.gz", ".tar.bz2", ".tar.xz", ".gz", ".tgz", ".tbz2", ".txz", ".zip"};

  public FetchUri {
    Objects.requireNonNull(uri, "uri");
  }

  /**
   * An entry of the older {@code uris} list, as Marathon converts it: extracted when its name ends
   * like an archive, neither executable nor cached.
   */
  public static FetchUri ofLegacyUri(String uri) {
    return new FetchUri(uri, isArchive(uri), false, false, null);
  }

  /** Whether the uri's name ends like an archive Mesos' fetcher unpacks. */
  public static boolean isArchive(String uri) {
    int end = uri.indexOf('?');
    String lower = (end < 0 ? uri : uri.substring(0, end)).toLowerCase(Locale.ROOT);
    for (String ext : ARCHIVES) {
      if (lower.endsWith(ext)) {
        return true;
      }
    }
    return false;
  }
}
