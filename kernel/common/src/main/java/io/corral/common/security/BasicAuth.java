package io.corral.common.security;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/** The {@code Authorization: Basic base64(principal:secret)} header, for gRPC metadata and HTTP. */
public final class BasicAuth {
  public static final String HEADER = "authorization";
  private static final String PREFIX = "Basic ";

  private BasicAuth() {}

  public static String header(String principal, String secret) {
    if (principal.contains(":")) {
      throw new IllegalArgumentException("a principal cannot contain ':': " + principal);
    }
    return PREFIX + Base64.getEncoder().encodeToString((principal + ":" + secret).getBytes(StandardCharsets.UTF_8));
  }

  /** The principal and secret of a header value; empty when it is not (well-formed) basic auth. */
  public static Optional<String[]> parse(String header) {
    if (header == null || header.length() < PREFIX.length()
        || !header.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
      return Optional.empty();
    }
    String decoded;
    try {
      decoded = new String(Base64.getDecoder().decode(header.substring(PREFIX.length()).trim()), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    int colon = decoded.indexOf(':');
    if (colon <= 0) {
      return Optional.empty();
    }
    return Optional.of(new String[] {decoded.substring(0, colon), decoded.substring(colon + 1)});
  }
}
