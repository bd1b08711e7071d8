package io.corral.frameworks.common.store;

import java.util.List;
import java.util.Optional;

/**
 * What a built-in framework keeps so that it carries on after a restart or on another instance:
 * values (bytes; what they mean is the framework's) under keys that are paths such as
 * {@code apps/eng/web} ({@link Keys}). A key may have a value and keys below it at once.
 *
 * <p>Two stores: {@link ZkStateStore} (ZooKeeper, for several instances of which one leads: only
 * the leader may change the state) and {@link WorkDirStateStore} (files in one instance's work dir);
 * {@link StateStores} opens the one the command line asks for. Both keep at most
 * {@link #MAX_VALUE_BYTES} under a key and in a transaction, so that a framework that works on one
 * works on the other.
 *
 * <p>Thread-safe; every call is done (durably) when it returns.
 */
public interface StateStore extends AutoCloseable {
  /** The most a key's value, or a whole transaction, may hold: ZooKeeper's limit on one request, less room for its own. */
  int MAX_VALUE_BYTES = 1_000_000;
  /** An expected version that is no version: the key must have no value. */
  int ABSENT = -1;
  /** An expected version that matches any (an unconditional put). */
  int ANY_VERSION = -2;

  /** The value of {@code key} and its version; empty when it has none. */
  Optional<Entry> get(String key) throws StateStoreException;

  /**
   * The names of the keys right below {@code key} ({@code ""}: the top) that have a value or keys
   * below them, sorted; empty when there are none.
   */
  List<String> children(String key) throws StateStoreException;

  /** Sets {@code key} to {@code value}; returns its new version. */
  default int put(String key, byte[] value) throws StateStoreException {
    return put(key, value, ANY_VERSION);
  }

  /**
   * Sets {@code key} to {@code value} if its version is {@code expectedVersion} ({@link #ABSENT}: if
   * it has no value), else fails with {@link StateStoreException.Reason#CONFLICT}; returns its new version.
   */
  int put(String key, byte[] value, int expectedVersion) throws StateStoreException;

  /** Deletes {@code key} and every key below it (nothing if there is none). */
  default void delete(String key) throws StateStoreException {
    commit(new Transaction().delete(key));
  }

  /** Makes every change of {@code transaction}, or (when one fails, say a compare-and-set) none. */
  void commit(Transaction transaction) throws StateStoreException;

  /** Where the state is, for messages: {@code ZooKeeper zk://host:2181/corral-services/state}, a directory. */
  String where();

  /** Lets go of the store (and, for a work dir, its lock). */
  @Override
  void close();
}
