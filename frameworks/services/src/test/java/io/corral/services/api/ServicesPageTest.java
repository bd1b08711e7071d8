package io.corral.services.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.corral.common.testing.Capabilities;
import io.corral.services.app.AppId;
import io.corral.services.app.TaskView;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The services' page, served with its files and rendered by a real headless Chromium (its DOM once
 * the page has read the API): apps with instances and health, one app's instances, the deployments,
 * and a command that looks like HTML shown as text.
 */
class ServicesPageTest {
  private static final String HOSTILE = "<img src=x onerror=\"window.__pwned=1\">";

  @Test
  void thePageAndItsFilesAreServedWithTheirTypesAndPolicy() throws IOException {
    try (ApiServer api = new ApiServer()) {
      ApiClient.Answer page = api.client.get("/");
      assertThat(page.status()).isEqualTo(200);
      assertThat(page.header("Content-Type")).startsWith("text/html");
      assertThat(page.header("Content-Security-Policy")).contains("script-src 'self'");
      assertThat(page.body()).contains("/ui/app.js");
      assertThat(api.client.get("/ui/app.js").header("Content-Type")).startsWith("text/javascript");
      assertThat(api.client.get("/ui/style.css").header("Content-Type")).startsWith("text/css");
      assertThat(api.client.get("/ui/secret.txt").status()).isEqualTo(404);
    }
  }

  @Test
  void chromiumRendersAppsInstancesHealthAndDeployments(@TempDir Path dir) throws Exception {
    Path chromium = chromiumOrSkip();
    try (ApiServer api = new ApiServer()) {
      api.client.send("POST", "/v2/apps", """
          {"id": "/eng/web", "cmd": "python3 -m http.server $PORT0", "instances": 2,
           "healthChecks": [{"protocol": "HTTP", "portIndex": 0}]}""");
      api.client.send("POST", "/v2/apps", "{\"id\": \"/eng/odd\", \"cmd\": " + quoted(HOSTILE) + "}");
      AppId web = new AppId("/eng/web");
      Instant t = Instant.parse("2024-03-01T10:00:05Z");
      api.backend.tasks(web, List.of(
          new TaskView("eng_web.1", web, "a1", "node-1", List.of(31001), "TASK_RUNNING", t, t, t, true, null),
          new TaskView("eng_web.2", web, "a2", "node-2", List.of(31002), "TASK_RUNNING", t, t, t, false, "HTTP 503")));
      String dom = render(chromium, dir, "http://127.0.0.1:" + api.server.port() + "/#open=/eng/web");
      assertThat(dom).contains("data-loaded=\"true\"");
      assertThat(dom).contains("data-app-id=\"/eng/web\"", "data-app-id=\"/eng/odd\"");
      assertThat(dom).contains("2 / 2").contains("1 healthy, 1 unhealthy");
      assertThat(dom).contains("data-task-id=\"eng_web.1\"", "node-2", "31002", "(HTTP 503)");
      assertThat(dom).contains("data-deployment-id=\"deployment-1\"", "StartApplication /eng/web");
      assertThat(dom).contains("leader svc1.example.com:8080");
      assertThat(dom).contains("&lt;img src=x").doesNotContain("<img");
    }
  }

  private static Path chromiumOrSkip() {
    for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
      for (String d : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
        Path p = Path.of(d, name);
        if (Files.isExecutable(p)) {
          return p;
        }
      }
    }
    Capabilities.require(false, "ServicesPageTest", "no chromium on PATH (Debian package 'chromium')");
    return null;
  }

  /** The page's DOM after Chromium loaded it and let its scripts run (and their requests finish). */
  private static String render(Path chromium, Path dir, String url) throws Exception {
    Process p = new ProcessBuilder(chromium.toString(), "--headless=new", "--no-sandbox", "--disable-gpu",
        "--disable-dev-shm-usage", "--no-first-run", "--user-data-dir=" + dir.resolve("profile"),
        "--virtual-time-budget=5000", "--dump-dom", url)
        .redirectError(dir.resolve("chromium.err").toFile()).start();
    byte[] out = p.getInputStream().readAllBytes();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("chromium ended").isTrue();
    return new String(out, StandardCharsets.UTF_8);
  }

  private static String quoted(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
