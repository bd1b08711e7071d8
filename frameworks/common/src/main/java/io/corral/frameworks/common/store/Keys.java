package io.corral.frameworks.common.store;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Keys of a {@link StateStore}: paths of segments joined by {@code /}, such as {@code apps/eng/web}
 * (no leading or trailing {@code /}, no empty segment); {@code ""} is the top, whose children are
 * the first segments. A segment may hold any character but {@code /}: the stores keep each one as a
 * name that is safe as a file name and a ZooKeeper node name ({@link #encode}): letters, digits and
 * {@code -_.~@+=,:} as they are, anything else (and a leading dot) percent-encoded in UTF-8.
 */
public final class Keys {
  private static final String SAFE = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.~@+=,:";
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private Keys() {}

  /** The key of {@code segments} (each non-empty, without {@code /}). */
  public static String of(String... segments) {
    for (String s : segments) {
      if (s.isEmpty() || s.indexOf('/') >= 0) {
        throw new IllegalArgumentException("a key segment must be non-empty and without '/': '" + s + "'");
      }
    }
    return String.join("/", segments);
  }

  /** {@code parent}'s child {@code name} ({@code parent} may be {@code ""}, the top). */
  public static String child(String parent, String name) {
    return parent.isEmpty() ? of(name) : check(parent) + "/" + of(name);
  }

  /** The segments of a key; {@code ""} has none. */
  public static List<String> segments(String key) {
    return key.isEmpty() ? List.of() : List.of(check(key).split("/"));
  }

  /** {@code key} if it is a well-formed key other than the top, else an {@link IllegalArgumentException}. */
  public static String check(String key) {
    if (key.isEmpty() || key.startsWith("/") || key.endsWith("/") || key.contains("//")) {
      throw new IllegalArgumentException("malformed state key '" + key + "': segments joined by '/', such as "
          + "apps/eng/web, without a leading or trailing '/'");
    }
    return key;
  }

  /** The parent of a key ({@code ""} for a key of one segment). */
  public static String parent(String key) {
    int slash = check(key).lastIndexOf('/');
    return slash < 0 ? "" : key.substring(0, slash);
  }

  /** A segment as a stored name (see the class comment). */
  static String encode(String segment) {
    StringBuilder out = new StringBuilder(segment.length());
    byte[] utf8 = segment.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < utf8.length; i++) {
      int b = utf8[i] & 0xff;
      boolean safe = b < 0x80 && SAFE.indexOf(b) >= 0 && !(i == 0 && b == '.');
      if (safe) {
        out.append((char) b);
      } else {
        out.append('%').append(HEX[b >> 4]).append(HEX[b & 0xf]);
      }
    }
    return out.toString();
  }

  /** A stored name back as its segment. */
  static String decode(String name) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(name.length());
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == '%' && i + 2 < name.length()) {
        bytes.write(Integer.parseInt(name.substring(i + 1, i + 3), 16));
        i += 2;
      } else {
        bytes.write(c);
      }
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }

  /** The stored names of a key's segments. */
  static List<String> encoded(String key) {
    List<String> out = new ArrayList<>();
    for (String s : segments(key)) {
      out.add(encode(s));
    }
    return out;
  }
}
