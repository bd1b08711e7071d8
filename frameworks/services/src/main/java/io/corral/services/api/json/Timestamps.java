package io.corral.services.api.json;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** Marathon's timestamps: UTC with milliseconds, {@code 2015-09-25T15:13:48.343Z}. */
public final class Timestamps {
  private static final DateTimeFormatter FORMAT =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private Timestamps() {}

  public static String format(Instant t) {
    return FORMAT.format(t);
  }

  /** An ISO-8601 instant or offset date-time; null if {@code s} is not one. */
  public static Instant parse(String s) {
    try {
      return java.time.OffsetDateTime.parse(s).toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
