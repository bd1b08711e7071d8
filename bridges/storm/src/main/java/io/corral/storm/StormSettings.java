package io.corral.storm;

import io.corral.common.security.ClientCredentials;
import io.corral.common.security.CredentialSettings;
import java.io.IOException;
import java.util.Map;

/**
 * The Storm settings of the Corral bridge (in the Nimbus's {@code storm.yaml}, or {@code -c} on
 * {@code corral storm nimbus}), and the per-topology ones.
 */
final class StormSettings {
  private StormSettings() {}

  /** The Corral master: {@code host:port} or {@code zk://host:port/path}. Required. */
  static final String MASTER = "storm.corral.master";
  /** The framework's name on the master (default "storm"). */
  static final String FRAMEWORK_NAME = "storm.corral.framework.name";
  /** The DRF role the Supervisors are offered under. */
  static final String ROLE = "storm.corral.role";
  /**
   * Seconds the master keeps the framework, its Supervisors and their workers running while no
   * Nimbus is connected (default a week: a Nimbus restart must not cost running topologies).
   */
  static final String FAILOVER_TIMEOUT_SECS = "storm.corral.failover.timeout.secs";
  /** Seconds a Supervisor with no worker is kept for the next topology before its resources go back. */
  static final String SUPERVISOR_IDLE_TIMEOUT_SECS = "storm.corral.supervisor.idle.timeout.secs";
  /**
   * Where agents fetch Storm from for the Supervisors: an archive of a Storm home (lib/,
   * lib-worker/, conf/, log4j2/; at its top or one level down) on HDFS, HTTP(S) or a local path,
   * kept in each agent's fetcher cache. Without it (and without {@link #SUPERVISOR_STORM_HOME}),
   * agents use the Nimbus's own Storm home, at the same path.
   */
  static final String SUPERVISOR_URI = "storm.corral.supervisor.uri";
  /** A Storm home present at this path on every agent. */
  static final String SUPERVISOR_STORM_HOME = "storm.corral.supervisor.storm.home";
  /** Where agents get corral-storm.jar from; default the Nimbus's own copy, by path. */
  static final String BRIDGE_URI = "storm.corral.bridge.uri";
  /** Memory (MiB) of a Supervisor's own JVM, on top of its workers' (default 384; its heap is supervisor.childopts). */
  static final String SUPERVISOR_MEM_MB = "storm.corral.supervisor.mem.mb";
  /** CPUs of a Supervisor's own JVM, on top of its workers' (default 0.2). */
  static final String SUPERVISOR_CPUS = "storm.corral.supervisor.cpus";
  /** Per topology: CPUs a worker of the topology is given (default 1). */
  static final String TOPOLOGY_WORKER_CPUS = "topology.corral.worker.cpus";

  /**
   * Prefix of the settings with which the Nimbus authenticates to a secured master:
   * {@code storm.corral.tls.ca} (the CA to trust), {@code storm.corral.tls.cert} and
   * {@code storm.corral.tls.key} (a client certificate), or {@code storm.corral.principal} and
   * {@code storm.corral.secret.file}; without any, the {@code CORRAL_*} environment. Like every
   * {@code storm.corral.*} setting, they stay the Nimbus's: Supervisors never get them.
   */
  static final String CREDENTIALS_PREFIX = "storm.corral.";

  /** The Nimbus's credentials for the master (see {@link #CREDENTIALS_PREFIX}); files checked. */
  static ClientCredentials credentials(Map<String, Object> conf) throws IOException {
    return CredentialSettings.read(CREDENTIALS_PREFIX, k -> string(conf, k, null), System.getenv());
  }

  static final String STORM_ZOOKEEPER_ROOT = "storm.zookeeper.root";

  static String string(Map<String, Object> conf, String key, String dflt) {
    Object v = conf.get(key);
    return v == null || v.toString().isBlank() ? dflt : v.toString().trim();
  }

  static double number(Map<String, Object> conf, String key, double dflt) {
    Object v = conf.get(key);
    if (v == null) {
      return dflt;
    }
    if (v instanceof Number n) {
      return n.doubleValue();
    }
    try {
      return Double.parseDouble(v.toString().trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be a number, not '" + v + "'");
    }
  }
}
