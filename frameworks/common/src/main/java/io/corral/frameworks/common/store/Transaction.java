package io.corral.frameworks.common.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Changes that must land together or not at all ({@link StateStore#commit}): say an app and the
 * deployment that changes it. Each change touches a key of its own: no key twice, and none below
 * another one of the same transaction (a delete takes a key's descendants with it).
 */
public final class Transaction {
  /** One change. */
  public sealed interface Op permits Put, Delete {
    String key();
  }

  /**
   * Sets {@code key} to {@code value}, if its version is {@code expectedVersion}
   * ({@link StateStore#ANY_VERSION}: whatever it is; {@link StateStore#ABSENT}: it has no value yet).
   */
  public record Put(String key, byte[] value, int expectedVersion) implements Op {
    public Put {
      Keys.check(key);
      Objects.requireNonNull(value, "value");
      if (expectedVersion < StateStore.ANY_VERSION) {
        throw new IllegalArgumentException("no version " + expectedVersion);
      }
    }
  }

  /** Deletes {@code key} and every key below it (nothing if there is none). */
  public record Delete(String key) implements Op {
    public Delete {
      Keys.check(key);
    }
  }

  private final List<Op> ops = new ArrayList<>();

  public Transaction put(String key, byte[] value) {
    return add(new Put(key, value, StateStore.ANY_VERSION));
  }

  public Transaction put(String key, byte[] value, int expectedVersion) {
    return add(new Put(key, value, expectedVersion));
  }

  public Transaction delete(String key) {
    return add(new Delete(key));
  }

  private Transaction add(Op op) {
    for (Op o : ops) {
      if (related(o.key(), op.key())) {
        throw new IllegalArgumentException("a transaction changes each key once, none below another: " + o.key()
            + " and " + op.key());
      }
    }
    ops.add(op);
    return this;
  }

  private static boolean related(String a, String b) {
    return a.equals(b) || a.startsWith(b + "/") || b.startsWith(a + "/");
  }

  public List<Op> ops() {
    return List.copyOf(ops);
  }

  public boolean isEmpty() {
    return ops.isEmpty();
  }

  /** The bytes the transaction's values and keys take: what {@link StateStore#MAX_VALUE_BYTES} bounds. */
  long bytes() {
    long n = 0;
    for (Op o : ops) {
      n += o.key().length() + (o instanceof Put p ? p.value().length : 0);
    }
    return n;
  }
}
