package io.corral.frameworks.common.store;

import java.util.Locale;

/** The one size rule both stores keep ({@link StateStore#MAX_VALUE_BYTES}), with its one-line refusals. */
final class Sizes {
  private Sizes() {}

  static void checkValue(String key, byte[] value) throws StateStoreException {
    if (value.length > StateStore.MAX_VALUE_BYTES) {
      throw new StateStoreException(StateStoreException.Reason.TOO_LARGE, key + ": a value of " + bytes(value.length)
          + " is more than a state store keeps under one key (at most " + bytes(StateStore.MAX_VALUE_BYTES)
          + ", ZooKeeper's limit on a node); keep it in smaller pieces under keys of their own");
    }
  }

  static void check(Transaction t) throws StateStoreException {
    for (Transaction.Op op : t.ops()) {
      if (op instanceof Transaction.Put p) {
        checkValue(p.key(), p.value());
      }
    }
    if (t.bytes() > StateStore.MAX_VALUE_BYTES) {
      throw new StateStoreException(StateStoreException.Reason.TOO_LARGE, "a transaction of " + bytes(t.bytes())
          + " (" + t.ops().size() + " changes) is more than a state store takes at once (at most "
          + bytes(StateStore.MAX_VALUE_BYTES) + ", ZooKeeper's limit on a request)");
    }
  }

  private static String bytes(long n) {
    return String.format(Locale.ROOT, "%,d bytes", n);
  }
}
