package io.corral.spark;

import io.corral.common.detect.ZkUrl;
import io.corral.common.net.HostPort;

/**
 * A Spark master URL that names a Corral master. Two forms, the same after the prefix:
 * <ul>
 *   <li>{@code spark+corral://host:port} or {@code spark+corral://zk://zk1:2181,zk2:2181/corral}:
 *       what {@code spark-submit --master} accepts (it only takes URLs that start with
 *       {@code spark}, {@code yarn}, {@code k8s} or {@code local});
 *   <li>{@code corral://host:port} or {@code corral://zk://...}: for applications that set the
 *       master themselves ({@code SparkSession.builder().master(...)}).
 * </ul>
 *
 * @param url the URL as given
 * @param master what the Corral scheduler driver takes: {@code host:port} or {@code zk://...}
 */
public record CorralMasterUrl(String url, String master) {
  public static final String SUBMIT_PREFIX = "spark+corral://";
  public static final String PREFIX = "corral://";
  private static final String EXPECTED = "expected spark+corral://host:port or spark+corral://zk://host:port/path"
      + " (corral://... when the application sets its master itself)";

  /** Whether the URL is meant for Corral (good or bad: a bad one then gets {@link #parse}'s error). */
  public static boolean isCorral(String url) {
    return url != null && (url.startsWith(SUBMIT_PREFIX) || url.startsWith(PREFIX));
  }

  /**
   * Parses the URL.
   *
   * @throws IllegalArgumentException with a one-line message naming the URL and the forms expected
   */
  public static CorralMasterUrl parse(String url) {
    if (!isCorral(url)) {
      throw new IllegalArgumentException("'" + url + "' is not a Corral master URL: " + EXPECTED);
    }
    String rest = url.substring(url.startsWith(SUBMIT_PREFIX) ? SUBMIT_PREFIX.length() : PREFIX.length()).trim();
    while (rest.endsWith("/") && !rest.startsWith("zk://")) {
      rest = rest.substring(0, rest.length() - 1);
    }
    if (rest.isEmpty()) {
      throw new IllegalArgumentException("Corral master URL '" + url + "' names no master: " + EXPECTED);
    }
    try {
      if (rest.startsWith("zk://")) {
        ZkUrl.parse(rest);
      } else if (rest.contains("://")) {
        throw new IllegalArgumentException("unsupported scheme");
      } else {
        HostPort.parse(rest);
      }
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("invalid Corral master URL '" + url + "' (" + oneLine(e) + "): " + EXPECTED);
    }
    return new CorralMasterUrl(url, rest);
  }

  private static String oneLine(Throwable e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return m.replace('\n', ' ');
  }
}
