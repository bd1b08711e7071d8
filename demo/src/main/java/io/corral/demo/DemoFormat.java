package io.corral.demo;

import java.time.Duration;
import java.util.Locale;

/** How the report writes numbers. */
final class DemoFormat {
  private DemoFormat() {}

  static String seconds(Duration d) {
    return seconds(d.toNanos() / 1e9);
  }

  static String seconds(double s) {
    return String.format(Locale.ROOT, "%.1f s", s);
  }
}
