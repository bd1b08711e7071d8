package io.corral.frameworks.common.store;

import java.util.Objects;

/**
 * A value as stored, with its version: what {@link StateStore#put(String, byte[], int)} compares
 * with. Each change of a key gives it a higher version; a version means something only to the store
 * that gave it, for as long as it is open.
 */
public record Entry(byte[] value, int version) {
  public Entry {
    Objects.requireNonNull(value, "value");
  }
}
