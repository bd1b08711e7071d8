package io.corral.common.resources;

import io.corral.protocol.Resource;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * An immutable bag of resources: named scalars (cpus, mem in MiB, disk in MiB, or custom)
 * and named range sets (ports).
 *
 * <p>Scalars are kept in fixed point with three decimals (like Mesos), so sums and
 * differences never drift: 0.1 + 0.2 is exactly 0.3. Zero scalars and empty range sets are
 * not stored, so two equal bags are {@link #equals equal}.
 */
public final class Resources {
  public static final String CPUS = "cpus";
  public static final String MEM = "mem";
  public static final String DISK = "disk";
  public static final String PORTS = "ports";

  /** The largest scalar accepted (in the resource's unit), far above any machine. */
  public static final double MAX_SCALAR = 1e12;

  private static final Pattern NAME = Pattern.compile("[a-zA-Z][a-zA-Z0-9_.\\-]{0,63}");
  private static final long SCALE = 1000;

  public static final Resources EMPTY = new Resources(new TreeMap<>(), new TreeMap<>());

  private final TreeMap<String, Long> scalars;
  private final TreeMap<String, RangeSet> ranges;

  private Resources(TreeMap<String, Long> scalars, TreeMap<String, RangeSet> ranges) {
    this.scalars = scalars;
    this.ranges = ranges;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Parses the agent flag format: {@code "cpus:4;mem:8192;disk:10000;ports:[31000-32000]"}.
   * Whitespace around items is ignored; a name may appear once.
   */
  public static Resources parse(String spec) {
    Builder b = builder();
    if (spec == null || spec.isBlank()) {
      return EMPTY;
    }
    for (String item : spec.split(";")) {
      String it = item.trim();
      if (it.isEmpty()) {
        continue;
      }
      int colon = it.indexOf(':');
      if (colon <= 0) {
        throw new InvalidResourcesException("expected name:value in '" + it + "'");
      }
      String name = it.substring(0, colon).trim();
      String value = it.substring(colon + 1).trim();
      if (b.has(name)) {
        throw new InvalidResourcesException("resource '" + name + "' given twice");
      }
      if (value.startsWith("[")) {
        b.ranges(name, RangeSet.parse(value));
      } else {
        double v;
        try {
          v = Double.parseDouble(value);
        } catch (NumberFormatException e) {
          throw new InvalidResourcesException("'" + value + "' is not a number for '" + name + "'");
        }
        b.scalar(name, v);
      }
    }
    return b.build();
  }

  /** Validates and converts protocol resources; throws {@link InvalidResourcesException}. */
  public static Resources fromProto(List<Resource> resources) {
    Builder b = builder();
    for (Resource r : resources) {
      switch (r.getValueCase()) {
        case SCALAR -> b.add(r.getName(), r.getScalar());
        case RANGES -> b.addRanges(r.getName(), RangeSet.fromProto(r.getRanges()));
        default -> throw new InvalidResourcesException("resource '" + r.getName() + "' has no value");
      }
    }
    return b.build();
  }

  public List<Resource> toProto() {
    Resource[] out = new Resource[scalars.size() + ranges.size()];
    int i = 0;
    for (Map.Entry<String, Long> e : scalars.entrySet()) {
      out[i++] =
          Resource.newBuilder().setName(e.getKey()).setScalar(toDouble(e.getValue())).build();
    }
    for (Map.Entry<String, RangeSet> e : ranges.entrySet()) {
      out[i++] = Resource.newBuilder().setName(e.getKey()).setRanges(e.getValue().toProto()).build();
    }
    return List.of(out);
  }

  public double scalar(String name) {
    Long v = scalars.get(name);
    return v == null ? 0.0 : toDouble(v);
  }

  /** The scalar in thousandths (exact). */
  public long scalarMillis(String name) {
    return scalars.getOrDefault(name, 0L);
  }

  public double cpus() {
    return scalar(CPUS);
  }

  public double mem() {
    return scalar(MEM);
  }

  public double disk() {
    return scalar(DISK);
  }

  public RangeSet ranges(String name) {
    return ranges.getOrDefault(name, RangeSet.EMPTY);
  }

  public RangeSet ports() {
    return ranges(PORTS);
  }

  public Map<String, Double> scalars() {
    TreeMap<String, Double> out = new TreeMap<>();
    scalars.forEach((k, v) -> out.put(k, toDouble(v)));
    return Collections.unmodifiableMap(out);
  }

  public Map<String, Long> scalarMillis() {
    return Collections.unmodifiableMap(scalars);
  }

  public Map<String, RangeSet> rangeResources() {
    return Collections.unmodifiableMap(ranges);
  }

  public boolean isEmpty() {
    return scalars.isEmpty() && ranges.isEmpty();
  }

  /** Whether this bag holds at least every resource of {@code other}. */
  public boolean contains(Resources other) {
    for (Map.Entry<String, Long> e : other.scalars.entrySet()) {
      if (scalars.getOrDefault(e.getKey(), 0L) < e.getValue()) {
        return false;
      }
    }
    for (Map.Entry<String, RangeSet> e : other.ranges.entrySet()) {
      if (!ranges(e.getKey()).containsAll(e.getValue())) {
        return false;
      }
    }
    return true;
  }

  public Resources plus(Resources other) {
    if (other.isEmpty()) {
      return this;
    }
    if (isEmpty()) {
      return other;
    }
    TreeMap<String, Long> s = new TreeMap<>(scalars);
    other.scalars.forEach((k, v) -> s.merge(k, v, Long::sum));
    TreeMap<String, RangeSet> r = new TreeMap<>(ranges);
    other.ranges.forEach((k, v) -> r.merge(k, v, RangeSet::plus));
    return new Resources(s, r);
  }

  /**
   * This bag without {@code other}. Amounts that would go below zero stop at zero (callers
   * that need exactness check {@link #contains} first).
   */
  public Resources minus(Resources other) {
    if (other.isEmpty()) {
      return this;
    }
    TreeMap<String, Long> s = new TreeMap<>(scalars);
    other.scalars.forEach(
        (k, v) -> {
          Long cur = s.get(k);
          if (cur != null) {
            long left = cur - v;
            if (left > 0) {
              s.put(k, left);
            } else {
              s.remove(k);
            }
          }
        });
    TreeMap<String, RangeSet> r = new TreeMap<>(ranges);
    other.ranges.forEach(
        (k, v) -> {
          RangeSet cur = r.get(k);
          if (cur != null) {
            RangeSet left = cur.minus(v);
            if (left.isEmpty()) {
              r.remove(k);
            } else {
              r.put(k, left);
            }
          }
        });
    return new Resources(s, r);
  }

  /**
   * Per resource, the larger of this bag and {@code other}: each scalar the larger amount, each range
   * set the union. Over several agents' totals it is what no single one of them exceeds (cpus may be
   * one agent's and mem another's; ports: every port any of them has), so a need it does not
   * {@link #contains contain} fits none of them.
   */
  public Resources max(Resources other) {
    if (other.isEmpty() || this.equals(other)) {
      return this;
    }
    if (isEmpty()) {
      return other;
    }
    TreeMap<String, Long> s = new TreeMap<>(scalars);
    other.scalars.forEach((k, v) -> s.merge(k, v, Math::max));
    TreeMap<String, RangeSet> r = new TreeMap<>(ranges);
    other.ranges.forEach((k, v) -> r.merge(k, v, RangeSet::plus));
    return new Resources(s, r);
  }

  /** Only the scalar resources (what dominant shares are computed on). */
  public Resources scalarsOnly() {
    return ranges.isEmpty() ? this : new Resources(new TreeMap<>(scalars), new TreeMap<>());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Resources r && scalars.equals(r.scalars) && ranges.equals(r.ranges);
  }

  @Override
  public int hashCode() {
    return Objects.hash(scalars, ranges);
  }

  /** The flag format, e.g. {@code cpus:4;mem:8192;ports:[31000-32000]}. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    scalars.forEach(
        (k, v) -> {
          if (sb.length() > 0) {
            sb.append(';');
          }
          sb.append(k).append(':').append(format(v));
        });
    ranges.forEach(
        (k, v) -> {
          if (sb.length() > 0) {
            sb.append(';');
          }
          sb.append(k).append(':').append(v);
        });
    return sb.toString();
  }

  private static String format(long millis) {
    if (millis % SCALE == 0) {
      return Long.toString(millis / SCALE);
    }
    return java.math.BigDecimal.valueOf(millis, 3).stripTrailingZeros().toPlainString();
  }

  static double toDouble(long millis) {
    return millis / (double) SCALE;
  }

  static long toMillis(String name, double value) {
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      throw new InvalidResourcesException("resource '" + name + "' is " + value);
    }
    if (value < 0) {
      throw new InvalidResourcesException("resource '" + name + "' is negative: " + value);
    }
    if (value > MAX_SCALAR) {
      throw new InvalidResourcesException("resource '" + name + "' is too large: " + value);
    }
    return Math.round(value * SCALE);
  }

  static void checkName(String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new InvalidResourcesException("invalid resource name '" + name + "'");
    }
  }

  /** Accumulates resources; the same name added twice is summed. */
  public static final class Builder {
    private final TreeMap<String, Long> scalars = new TreeMap<>();
    private final TreeMap<String, RangeSet> ranges = new TreeMap<>();

    private Builder() {}

    boolean has(String name) {
      return scalars.containsKey(name) || ranges.containsKey(name);
    }

    public Builder cpus(double cpus) {
      return add(CPUS, cpus);
    }

    public Builder mem(double mib) {
      return add(MEM, mib);
    }

    public Builder disk(double mib) {
      return add(DISK, mib);
    }

    public Builder ports(long begin, long end) {
      return addRanges(PORTS, RangeSet.of(begin, end));
    }

    public Builder ports(RangeSet ports) {
      return addRanges(PORTS, ports);
    }

    /** Sets a scalar (replacing an earlier value of that name). */
    public Builder scalar(String name, double value) {
      checkName(name);
      checkKind(name, true);
      scalars.put(name, toMillis(name, value));
      return this;
    }

    public Builder ranges(String name, RangeSet value) {
      checkName(name);
      checkKind(name, false);
      ranges.put(name, value);
      return this;
    }

    public Builder add(String name, double value) {
      checkName(name);
      checkKind(name, true);
      scalars.merge(name, toMillis(name, value), Long::sum);
      return this;
    }

    public Builder addRanges(String name, RangeSet value) {
      checkName(name);
      checkKind(name, false);
      ranges.merge(name, value, RangeSet::plus);
      return this;
    }

    public Builder add(Resources resources) {
      resources.scalars.forEach((k, v) -> scalars.merge(k, v, Long::sum));
      resources.ranges.forEach((k, v) -> ranges.merge(k, v, RangeSet::plus));
      return this;
    }

    private void checkKind(String name, boolean scalar) {
      if (scalar ? ranges.containsKey(name) : scalars.containsKey(name)) {
        throw new InvalidResourcesException(
            "resource '" + name + "' given both as a scalar and as ranges");
      }
    }

    public Resources build() {
      TreeMap<String, Long> s = new TreeMap<>(scalars);
      s.values().removeIf(v -> v == 0L);
      TreeMap<String, RangeSet> r = new TreeMap<>(ranges);
      r.values().removeIf(RangeSet::isEmpty);
      if (s.isEmpty() && r.isEmpty()) {
        return EMPTY;
      }
      return new Resources(s, r);
    }
  }
}
