package io.corral.services.api;

import java.util.Objects;

/**
 * What {@code GET /v2/info} tells about this services instance (Marathon's {@code marathon_config},
 * {@code zookeeper_config}, {@code http_config}).
 *
 * @param name the program's name ({@code corral-services})
 * @param version Corral's version
 * @param master the master's address as given ({@code host:port} or {@code zk://...})
 * @param zk the ZooKeeper URL of the services' own state, null when state is in the work dir
 * @param frameworkName the name the framework registers under
 * @param role the framework's role
 * @param user the default user of tasks, null for the framework's own
 * @param hostname this instance's host name
 * @param httpPort this instance's HTTP port, 0 when it serves HTTPS only
 * @param httpsPort this instance's HTTPS port, 0 without
 * @param selfUrl this instance's URL ({@code http://host:port}), compared with the leader's
 */
public record ServicesInfo(String name, String version, String master, String zk, String frameworkName,
    String role, String user, String hostname, int httpPort, int httpsPort, String selfUrl) {
  public ServicesInfo {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(selfUrl, "selfUrl");
  }
}
