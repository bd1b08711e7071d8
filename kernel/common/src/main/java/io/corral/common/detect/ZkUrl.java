package io.corral.common.detect;

import io.corral.common.net.HostPort;

/**
 * A parsed ZooKeeper location: {@code zk://host:port[,host:port...][/path]}, or the same without
 * the scheme (a plain ZooKeeper connect string with an optional chroot path, as ZooKeeper and
 * Curator users write it). The path defaults to {@code /corral}. Masters take part in a leader
 * latch under {@code <path>/leader} and keep their registry under {@code <path>/registry}.
 */
public record ZkUrl(String connectString, String path) {
  public static final String DEFAULT_PATH = "/corral";

  public static ZkUrl parse(String url) {
    if (url.contains("://") && !url.startsWith("zk://")) {
      throw new IllegalArgumentException("not a zk:// URL: '" + url + "'");
    }
    String rest = url.startsWith("zk://") ? url.substring("zk://".length()) : url;
    int slash = rest.indexOf('/');
    String hosts = slash < 0 ? rest : rest.substring(0, slash);
    String path = slash < 0 ? DEFAULT_PATH : rest.substring(slash);
    if (hosts.isBlank()) {
      throw new IllegalArgumentException("no ZooKeeper hosts in '" + url + "'");
    }
    for (String h : hosts.split(",")) {
      HostPort.parse(h); // validates each host:port
    }
    while (path.length() > 1 && path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    if (path.equals("/") || path.contains("//")) {
      throw new IllegalArgumentException("bad ZooKeeper path in '" + url + "'");
    }
    return new ZkUrl(hosts, path);
  }

  /** Where masters run their leader latch; each participant's data is its "host:port". */
  public String leaderLatchPath() {
    return path + "/leader";
  }

  /** Where the leading master keeps its registry (admitted and removed agents). */
  public String registryPath() {
    return path + "/registry";
  }

  @Override
  public String toString() {
    return "zk://" + connectString + path;
  }
}
