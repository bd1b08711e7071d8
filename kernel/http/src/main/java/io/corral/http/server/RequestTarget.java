package io.corral.http.server;

import io.corral.http.ApiException;
import java.net.URI;
import java.net.URISyntaxException;

/**
 * The path and query of a request line's target, checked: within the length limit (else 414), and
 * made only of the characters a URI may hold unencoded (else 400, never a guess). The origin form
 * ({@code /path?query}) and the absolute form ({@code http://host/path?query}) are served.
 */
record RequestTarget(String rawPath, String rawQuery) {
  /** RFC 3986 pchar without '%' (checked on its own), plus '/' and '?' (path and query). */
  private static final String ALLOWED = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&'()*+,;=:@/?";

  static RequestTarget parse(String uri, int maxChars) {
    if (uri.length() > maxChars) {
      throw new ApiException(414, "request URI longer than " + maxChars + " characters");
    }
    if (uri.startsWith("http://") || uri.startsWith("https://")) {
      try {
        URI u = new URI(uri);
        String path = u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath();
        return parse(path + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery()), maxChars);
      } catch (URISyntaxException e) {
        throw ApiException.badRequest("malformed request URI: " + e.getReason() + " at index " + e.getIndex());
      }
    }
    if (!uri.startsWith("/")) {
      throw ApiException.badRequest("the request target must be a path such as /api/v1/state, not '" + shorten(uri)
          + "'");
    }
    for (int i = 0; i < uri.length(); i++) {
      char c = uri.charAt(i);
      if (c == '%') {
        if (i + 2 >= uri.length() || Character.digit(uri.charAt(i + 1), 16) < 0
            || Character.digit(uri.charAt(i + 2), 16) < 0) {
          throw ApiException.badRequest("malformed request URI: '%' not followed by two hex digits at index " + i);
        }
      } else if (ALLOWED.indexOf(c) < 0) {
        throw ApiException.badRequest("malformed request URI: character " + describe(c) + " at index " + i
            + " must be percent-encoded");
      }
    }
    int q = uri.indexOf('?');
    return q < 0 ? new RequestTarget(uri, null) : new RequestTarget(uri.substring(0, q), uri.substring(q + 1));
  }

  private static String describe(char c) {
    return c > 0x20 && c < 0x7f ? "'" + c + "'" : String.format("U+%04X", (int) c);
  }

  private static String shorten(String s) {
    return s.length() <= 64 ? s : s.substring(0, 64) + "...";
  }
}
