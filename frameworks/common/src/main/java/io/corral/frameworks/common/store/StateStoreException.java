package io.corral.frameworks.common.store;

import java.io.IOException;

/** A state store refused or failed a read or a change; the message is one line saying why. */
public final class StateStoreException extends IOException {
  private static final long serialVersionUID = 1L;

  /** Why. */
  public enum Reason {
    /** A value (or a transaction) larger than the store keeps: {@link StateStore#MAX_VALUE_BYTES}. */
    TOO_LARGE,
    /** A compare-and-set found another version (or a value where none was expected, or none where one was). */
    CONFLICT,
    /** This instance does not lead (or no longer holds its lease): it may not change the state. */
    NOT_LEADING,
    /** The store could not be read or written (ZooKeeper unreachable, a disk error, data it cannot read). */
    FAILED
  }

  private final Reason reason;

  public StateStoreException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public StateStoreException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
