package io.corral.common.resources;

import io.corral.protocol.Range;
import io.corral.protocol.Ranges;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * An immutable set of unsigned integers (ports) stored as sorted, disjoint, non-adjacent
 * inclusive intervals.
 */
public final class RangeSet {
  public static final RangeSet EMPTY = new RangeSet(new long[0]);

  /**
   * The largest value a set may hold: far above any port, and small enough that sizes and
   * {@code bound + 1} never overflow a long.
   */
  public static final long MAX_VALUE = Long.MAX_VALUE / 2;

  /** Pairs begin0,end0,begin1,end1,... sorted, disjoint and merged. */
  private final long[] bounds;

  private RangeSet(long[] bounds) {
    this.bounds = bounds;
  }

  public static RangeSet of(long begin, long end) {
    check(begin, end);
    return new RangeSet(new long[] {begin, end});
  }

  private static void check(long begin, long end) {
    if (begin < 0 || end < begin) {
      throw new InvalidResourcesException("invalid range [" + begin + "-" + end + "]");
    }
    if (end > MAX_VALUE) {
      throw new InvalidResourcesException(
          "range [" + begin + "-" + end + "] goes beyond the largest value " + MAX_VALUE);
    }
  }

  /** Builds a set from possibly overlapping intervals; rejects negative or inverted ones. */
  public static RangeSet of(List<long[]> intervals) {
    List<long[]> sorted = new ArrayList<>(intervals.size());
    for (long[] interval : intervals) {
      check(interval[0], interval[1]);
      sorted.add(interval);
    }
    sorted.sort((a, b) -> Long.compare(a[0], b[0]));
    long[] out = new long[sorted.size() * 2];
    int n = 0;
    for (long[] interval : sorted) {
      if (n > 0 && interval[0] <= out[n - 1] + 1) {
        out[n - 1] = Math.max(out[n - 1], interval[1]);
      } else {
        out[n++] = interval[0];
        out[n++] = interval[1];
      }
    }
    return new RangeSet(Arrays.copyOf(out, n));
  }

  /** Parses "[31000-32000,33000-33001]" (brackets optional; a single number is a range of one). */
  public static RangeSet parse(String text) {
    String body = text.trim();
    if (body.startsWith("[") && body.endsWith("]")) {
      body = body.substring(1, body.length() - 1).trim();
    } else if (body.startsWith("[") || body.endsWith("]")) {
      throw new InvalidResourcesException("unbalanced brackets in ranges '" + text + "'");
    }
    if (body.isEmpty()) {
      return EMPTY;
    }
    List<long[]> intervals = new ArrayList<>();
    for (String part : body.split(",", -1)) {
      String p = part.trim();
      if (p.isEmpty()) {
        throw new InvalidResourcesException("empty range in '" + text + "'");
      }
      int dash = p.indexOf('-', 1);
      try {
        if (dash < 0) {
          long v = Long.parseLong(p);
          intervals.add(new long[] {v, v});
        } else {
          intervals.add(
              new long[] {
                Long.parseLong(p.substring(0, dash).trim()),
                Long.parseLong(p.substring(dash + 1).trim())
              });
        }
      } catch (NumberFormatException e) {
        throw new InvalidResourcesException("invalid range '" + p + "' in '" + text + "'");
      }
    }
    return of(intervals);
  }

  public static RangeSet fromProto(Ranges ranges) {
    List<long[]> intervals = new ArrayList<>(ranges.getRangeCount());
    for (Range r : ranges.getRangeList()) {
      if (Long.compareUnsigned(r.getBegin(), MAX_VALUE) > 0
          || Long.compareUnsigned(r.getEnd(), MAX_VALUE) > 0) {
        throw new InvalidResourcesException(
            "range [" + Long.toUnsignedString(r.getBegin()) + "-" + Long.toUnsignedString(r.getEnd())
                + "] goes beyond the largest value " + MAX_VALUE);
      }
      intervals.add(new long[] {r.getBegin(), r.getEnd()});
    }
    return of(intervals);
  }

  public Ranges toProto() {
    Ranges.Builder b = Ranges.newBuilder();
    for (int i = 0; i < bounds.length; i += 2) {
      b.addRange(Range.newBuilder().setBegin(bounds[i]).setEnd(bounds[i + 1]));
    }
    return b.build();
  }

  public boolean isEmpty() {
    return bounds.length == 0;
  }

  /** Number of values in the set. */
  public long size() {
    long n = 0;
    for (int i = 0; i < bounds.length; i += 2) {
      n += bounds[i + 1] - bounds[i] + 1;
    }
    return n;
  }

  public List<long[]> intervals() {
    List<long[]> out = new ArrayList<>(bounds.length / 2);
    for (int i = 0; i < bounds.length; i += 2) {
      out.add(new long[] {bounds[i], bounds[i + 1]});
    }
    return Collections.unmodifiableList(out);
  }

  public boolean contains(long value) {
    for (int i = 0; i < bounds.length; i += 2) {
      if (value >= bounds[i] && value <= bounds[i + 1]) {
        return true;
      }
    }
    return false;
  }

  /** Whether every value of {@code other} is in this set. */
  public boolean containsAll(RangeSet other) {
    int j = 0;
    for (int i = 0; i < other.bounds.length; i += 2) {
      long b = other.bounds[i];
      long e = other.bounds[i + 1];
      while (j < bounds.length && bounds[j + 1] < b) {
        j += 2;
      }
      if (j >= bounds.length || bounds[j] > b || bounds[j + 1] < e) {
        return false;
      }
    }
    return true;
  }

  public RangeSet plus(RangeSet other) {
    if (other.isEmpty()) {
      return this;
    }
    if (isEmpty()) {
      return other;
    }
    List<long[]> all = new ArrayList<>(intervals());
    all.addAll(other.intervals());
    return of(all);
  }

  /** This set without the values of {@code other} (values not in this set are ignored). */
  public RangeSet minus(RangeSet other) {
    if (other.isEmpty() || isEmpty()) {
      return this;
    }
    List<long[]> out = new ArrayList<>();
    int j = 0;
    for (int i = 0; i < bounds.length; i += 2) {
      long b = bounds[i];
      long e = bounds[i + 1];
      while (j < other.bounds.length && other.bounds[j + 1] < b) {
        j += 2;
      }
      int k = j;
      while (b <= e && k < other.bounds.length && other.bounds[k] <= e) {
        if (other.bounds[k] > b) {
          out.add(new long[] {b, other.bounds[k] - 1});
        }
        b = Math.max(b, other.bounds[k + 1] + 1);
        k += 2;
      }
      if (b <= e) {
        out.add(new long[] {b, e});
      }
    }
    return of(out);
  }

  /** The first {@code count} values of the set, or null when it has fewer. */
  public RangeSet take(long count) {
    if (count <= 0) {
      return EMPTY;
    }
    List<long[]> out = new ArrayList<>();
    long left = count;
    for (int i = 0; i < bounds.length && left > 0; i += 2) {
      long n = Math.min(left, bounds[i + 1] - bounds[i] + 1);
      out.add(new long[] {bounds[i], bounds[i] + n - 1});
      left -= n;
    }
    return left > 0 ? null : of(out);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RangeSet r && Arrays.equals(bounds, r.bounds);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bounds);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < bounds.length; i += 2) {
      if (i > 0) {
        sb.append(',');
      }
      sb.append(bounds[i]).append('-').append(bounds[i + 1]);
    }
    return sb.append(']').toString();
  }
}
