package io.corral.bridges.testkit;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** A role's guarantee and limit through the master's HTTP API ({@code /api/v1/quota/<role>}), as an operator sets them. */
public final class RoleQuotas {
  private RoleQuotas() {}

  /**
   * {@code PUT <http>api/v1/quota/<role>} with {@code body} (such as {@code {"guarantee": {"cpus": 2}}});
   * returns the status code (the body is printed when it is not 200).
   *
   * @param http the master's HTTP URL, ending in {@code /}
   */
  public static int put(String http, String role, String body) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(http + "api/v1/quota/"
        + role)).header("X-Corral-Request", "test").PUT(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      System.out.println("PUT quota " + role + ": " + r.statusCode() + " " + r.body());
    }
    return r.statusCode();
  }

  /** Removes the role's quota (a shared cluster is left as it was); a failure is printed, not thrown. */
  public static void delete(String http, String role) {
    try {
      HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(http + "api/v1/quota/" + role))
          .header("X-Corral-Request", "test").DELETE().build(), HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      System.out.println("DELETE quota " + role + ": " + e);
    }
  }
}
