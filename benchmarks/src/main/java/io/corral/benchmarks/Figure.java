package io.corral.benchmarks;

import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * One headline figure of the kernel benchmark, printed in the summary table next to its target
 * and anchor.
 */
record Figure(String name, String value, String target, String anchor) {

  static String row(Figure f) {
    return "| " + f.name + " | " + f.value + " | " + f.target + " | " + f.anchor + " |";
  }

  static List<String> table(List<Figure> figures) {
    List<String> out = new java.util.ArrayList<>();
    out.add("| figure | measured | target | anchor |");
    out.add("|---|---|---|---|");
    figures.forEach(f -> out.add(row(f)));
    return out;
  }

  /** A histogram of nanosecond values with three significant digits. */
  static Histogram nanos() {
    return new Histogram(3);
  }

  static double ms(long nanos) {
    return nanos / 1e6;
  }

  /** "p50 / p99 / max" in milliseconds. */
  static String percentiles(Histogram h) {
    return String.format("%.2f / %.2f / %.2f ms", ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(99)),
        ms(h.getMaxValue()));
  }
}
