package io.corral.services.api;

import io.corral.http.ApiException;
import io.corral.http.Request;

/** Marathon's answer to a method a resource does not take. */
final class Methods {
  private Methods() {}

  static ApiException notAllowed(Request r, String allowed) {
    return new ApiException(405, "HTTP 405 Method Not Allowed: " + r.method() + " (use " + allowed + ")")
        .withHeader("Allow", allowed);
  }

  static boolean isGet(Request r) {
    return r.method().equals("GET") || r.method().equals("HEAD");
  }
}
