package io.corral.services.app;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/** Immutable copies that keep the order a user wrote (env, labels are answered in that order). */
final class Ordered {
  private Ordered() {}

  /** An unmodifiable copy in {@code m}'s iteration order; empty for null. Null keys or values are refused. */
  static <K, V> Map<K, V> map(Map<K, V> m) {
    if (m == null || m.isEmpty()) {
      return Map.of();
    }
    LinkedHashMap<K, V> copy = new LinkedHashMap<>();
    m.forEach((k, v) -> copy.put(Objects.requireNonNull(k, "key"), Objects.requireNonNull(v, "value of " + k)));
    return Collections.unmodifiableMap(copy);
  }
}
