package io.corral.services.api;

import io.corral.http.ApiException;
import io.corral.http.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The services' own page at {@code /} (and its files under {@code /ui/}): apps, instances, health and
 * deployments, read by the page from the API. It runs only its own scripts.
 */
final class ServicesUi {
  private static final Map<String, String> FILES = Map.of(
      "index.html", "text/html; charset=utf-8",
      "app.js", "text/javascript; charset=utf-8",
      "style.css", "text/css; charset=utf-8");

  Response serve(String name) {
    String type = FILES.get(name);
    if (type == null) {
      throw ApiException.notFound("no such file of the services' page: " + name);
    }
    byte[] body;
    try (InputStream in = ServicesUi.class.getResourceAsStream("/io/corral/services/ui/" + name)) {
      if (in == null) {
        throw new ApiException(404, "UI file missing from the build: " + name);
      }
      body = in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Response.of(200, type, body)
        .withHeader("Content-Security-Policy",
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'")
        .withHeader("Cache-Control", "no-cache");
  }
}
