package io.corral.frameworks.common.store;

import java.util.Optional;

/**
 * What keeps an instance that no longer leads from changing a {@link ZkStateStore}: its lease (a
 * leader frozen past its session timeout must not write when it wakes) and its election node,
 * which exists only while the session it was elected in lives and which every write checks in
 * the same ZooKeeper transaction, so that no write of a deposed leader can land.
 */
public interface Fence {
  /** No fence: anyone may write (a store no election guards, such as in tests of the store itself). */
  Fence NONE = new Fence() {
    @Override
    public boolean holds() {
      return true;
    }

    @Override
    public Optional<String> node() {
      return Optional.empty();
    }
  };

  /** Whether this instance may write now. */
  boolean holds();

  /** A ZooKeeper node that exists only while this instance may write; empty: none to check. */
  Optional<String> node();
}
