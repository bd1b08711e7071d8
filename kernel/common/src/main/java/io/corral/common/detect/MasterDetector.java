package io.corral.common.detect;

import io.corral.common.net.HostPort;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

/**
 * Finds the leading master. Every client (agent, scheduler library, executor, CLI) takes a
 * master as {@code host:port} or as {@code zk://host:port[,host:port...]/path}; for the
 * latter the leader is looked up in ZooKeeper each time a client (re)connects.
 */
public interface MasterDetector extends AutoCloseable {

  /** Creates a detector for {@code host:port} or {@code zk://...}. */
  static MasterDetector forSpec(String spec) {
    if (spec == null || spec.isBlank()) {
      throw new IllegalArgumentException("no master given (expected host:port or zk://host:port/path)");
    }
    String s = spec.trim();
    if (s.startsWith("zk://")) {
      return new ZooKeeperMasterDetector(ZkUrl.parse(s));
    }
    if (s.contains("://")) {
      throw new IllegalArgumentException(
          "unsupported master '" + s + "': expected host:port or zk://host:port[,host:port]/path");
    }
    return new StaticMasterDetector(HostPort.parse(s));
  }

  /**
   * The current leader, waiting up to {@code timeout} for one to be elected.
   *
   * @throws TimeoutException when no leader is known within the timeout
   */
  HostPort detect(Duration timeout) throws TimeoutException, InterruptedException;

  /**
   * Calls {@code listener} whenever the leader changes (with the new leader), so a client can
   * leave a master that no longer leads without waiting for its connection to break. A static
   * master never changes.
   */
  default void addLeaderListener(java.util.function.Consumer<HostPort> listener) {}

  /** The spec this detector was made from, for logs and for CORRAL_MASTER. */
  String spec();

  @Override
  void close();
}
