package io.corral.master.allocator;

import io.corral.common.resources.Resources;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Dense numbering of scalar resource names, the cluster totals per name, and the dominant share
 * of an allocation vector. Vectors hold thousandths (the exact unit of {@link Resources}) so
 * that adding and removing the same resources always returns to the same vector.
 *
 * <p>Ranges (ports) never count toward shares and are not numbered here. Names are never
 * forgotten: there are only a handful of them.
 */
final class ResourceIndex {
  private final Map<String, Integer> byName = new HashMap<>();
  private final List<String> names = new ArrayList<>();
  private long[] totals = new long[4];
  private double[] inverse = new double[4];
  private long version;

  /** The number of a scalar name, numbering it if new. */
  int indexOf(String name) {
    Integer i = byName.get(name);
    if (i != null) {
      return i;
    }
    int next = names.size();
    names.add(name);
    byName.put(name, next);
    if (next == totals.length) {
      totals = Arrays.copyOf(totals, next * 2);
      inverse = Arrays.copyOf(inverse, next * 2);
    }
    return next;
  }

  /** The number of scalar names numbered so far. */
  int size() {
    return names.size();
  }

  /** The name numbered {@code i}. */
  String name(int i) {
    return names.get(i);
  }

  /** The cluster total of resource {@code i}, in thousandths. */
  long total(int i) {
    return i < totals.length ? totals[i] : 0;
  }

  /** A vector of {@code resources}' scalars (thousandths), as long as the names numbered. */
  long[] vector(Resources resources) {
    return add(new long[names.size()], resources, 1);
  }

  /** Adds ({@code sign = 1}) or removes ({@code sign = -1}) an agent's total. */
  void changeTotal(Resources total, int sign) {
    for (Map.Entry<String, Long> e : total.scalarMillis().entrySet()) {
      int i = indexOf(e.getKey());
      totals[i] = Math.max(0, totals[i] + sign * e.getValue());
      inverse[i] = totals[i] > 0 ? 1.0 / totals[i] : 0.0;
    }
    version++;
  }

  /** Changes whenever the totals change, so shares computed earlier are stale. */
  long version() {
    return version;
  }

  /**
   * Adds {@code sign * resources} to a vector, growing it if needed. Amounts stop at zero.
   *
   * @return the vector (a new array if it had to grow)
   */
  long[] add(long[] vector, Resources resources, int sign) {
    long[] v = vector;
    for (Map.Entry<String, Long> e : resources.scalarMillis().entrySet()) {
      int i = indexOf(e.getKey());
      if (i >= v.length) {
        v = Arrays.copyOf(v, Math.max(names.size(), i + 1));
      }
      v[i] = Math.max(0, v[i] + sign * e.getValue());
    }
    return v;
  }

  /** The dominant share of a vector: the largest fraction of any total it holds. */
  double share(long[] vector) {
    double max = 0.0;
    int n = Math.min(vector.length, names.size());
    for (int i = 0; i < n; i++) {
      double s = vector[i] * inverse[i];
      if (s > max) {
        max = s;
      }
    }
    return max;
  }

  /** The cluster totals as resources (scalars only). */
  Resources totals() {
    return toResources(totals);
  }

  /** A vector as resources. */
  Resources toResources(long[] vector) {
    Resources.Builder b = Resources.builder();
    for (int i = 0; i < Math.min(vector.length, names.size()); i++) {
      if (vector[i] > 0) {
        b.scalar(names.get(i), vector[i] / 1000.0);
      }
    }
    return b.build();
  }
}
