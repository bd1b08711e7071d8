package io.corral.common;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as people write them: "500ms", "15s", "10min", "2h", "7d", or plain seconds. */
public final class Durations {
  private static final Pattern P = Pattern.compile("(\\d{1,12}(?:\\.\\d{1,9})?)\\s*(ms|s|sec|secs|m|min|mins|h|d)?");

  private Durations() {}

  /** Parses {@code text}; throws {@link IllegalArgumentException} with a readable message if it is not one. */
  public static Duration parse(String text) {
    Matcher m = P.matcher(text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException("'" + text + "' is not a duration (e.g. 500ms, 15s, 10min, 2h, 7d)");
    }
    double n = Double.parseDouble(m.group(1));
    String unit = m.group(2) == null ? "s" : m.group(2);
    double millis = switch (unit) {
      case "ms" -> n;
      case "s", "sec", "secs" -> n * 1000;
      case "m", "min", "mins" -> n * 60_000;
      case "h" -> n * 3_600_000;
      default -> n * 86_400_000; // d
    };
    return Duration.ofMillis((long) millis);
  }
}
