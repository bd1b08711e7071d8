package io.corral.services;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.corral.bridges.common.Drivers;
import io.corral.certs.CertificateAuthority;
import io.corral.common.DriverStatus;
import io.corral.common.security.Credentials;
import io.corral.common.security.TlsFiles;
import io.corral.frameworks.common.FrameworkInstance;
import io.corral.frameworks.common.FrameworkSettings;
import io.corral.frameworks.common.InstancePhase;
import io.corral.http.auth.Acls;
import io.corral.http.auth.HttpSecurity;
import io.corral.scheduler.SchedulerDriver;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The services API under security, on a real HTTPS server: callers authenticated by a secret or a
 * client certificate of the cluster's CA, changes allowed by manage_services per app id prefix.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ServicesSecurityTest {
  private static final Duration SOON = Duration.ofSeconds(20);
  @TempDir Path dir;

  /** A driver that talks to no master: the API's commands need none. */
  private static final Drivers NO_MASTER = (callbacks, framework) -> (SchedulerDriver) Proxy.newProxyInstance(
      SchedulerDriver.class.getClassLoader(), new Class<?>[] {SchedulerDriver.class},
      (proxy, method, args) -> switch (method.getName()) {
        case "roles" -> List.of();
        case "toString" -> "no master";
        case "hashCode" -> System.identityHashCode(proxy);
        case "equals" -> proxy == args[0];
        default -> DriverStatus.DRIVER_RUNNING;
      });

  @Test
  void callersAuthenticateAndChangeOnlyTheAppsTheAclsAllowThem() throws Exception {
    Path tls = dir.resolve("tls");
    CertificateAuthority ca = CertificateAuthority.create("test-ca", Duration.ofDays(1));
    ca.save(tls);
    ca.issue(tls, "services", List.of("localhost", "127.0.0.1"), Duration.ofDays(1));
    ca.issue(tls, "ops", List.of(), Duration.ofDays(1));
    Path credentials = dir.resolve("credentials");
    Files.writeString(credentials, "eng eng-secret\n");
    Path acls = dir.resolve("acls.json");
    Files.writeString(acls, """
        {"manage_services": [{"principals": ["eng"], "app_ids": ["/eng"]},
                             {"principals": ["ops"], "app_ids": ["/"]}]}
        """);
    FrameworkSettings settings = FrameworkSettings.builder("services", "127.0.0.1:5050")
        .workDir(dir.resolve("services"))
        .security(HttpSecurity.of(TlsFiles.inDir(tls, "services"), Credentials.load(credentials)), Acls.load(acls),
            "services")
        .build();
    try (FrameworkInstance services = FrameworkInstance.start(new ServicesApp(), settings, NO_MASTER,
        new PrintStream(new ByteArrayOutputStream()))) {
      assertThat(services.url()).startsWith("https://127.0.0.1:");
      await().atMost(SOON).until(() -> services.phase() == InstancePhase.LEADING);
      String url = services.url();
      HttpClient anonymous = client(TlsFiles.trusting(tls.resolve("ca.pem")).sslContext());
      HttpClient ops = client(TlsFiles.inDir(tls, "ops").sslContext());
      String eng = "Basic " + Base64.getEncoder().encodeToString("eng:eng-secret".getBytes(StandardCharsets.UTF_8));
      String wrong = "Basic " + Base64.getEncoder().encodeToString("eng:guess".getBytes(StandardCharsets.UTF_8));

      assertThat(send(anonymous, "GET", url + "/v2/apps", null, null).statusCode()).isEqualTo(401);
      assertThat(send(anonymous, "GET", url + "/v2/apps", wrong, null).statusCode()).isEqualTo(401);
      assertThat(send(anonymous, "GET", url + "/v2/apps", eng, null).statusCode()).isEqualTo(200);

      HttpResponse<String> web = send(anonymous, "POST", url + "/v2/apps", eng, app("/eng/web"));
      assertThat(web.statusCode()).as(web.body()).isEqualTo(201);
      HttpResponse<String> db = send(anonymous, "POST", url + "/v2/apps", eng, app("/ops/db"));
      assertThat(db.statusCode()).isEqualTo(403);
      assertThat(db.body()).isEqualTo("{\"message\":\"principal 'eng' may not change the services app '/ops/db' "
          + "(acls.json: manage_services)\"}");
      assertThat(send(ops, "POST", url + "/v2/apps", null, app("/ops/db")).statusCode()).as("by certificate")
          .isEqualTo(201);
      assertThat(send(anonymous, "DELETE", url + "/v2/apps/ops/db", eng, null).statusCode()).isEqualTo(403);
      assertThat(send(anonymous, "PUT", url + "/v2/apps/eng/web?force=true", eng, "{\"instances\": 0}").statusCode())
          .isEqualTo(200);
      HttpResponse<String> listed = send(ops, "GET", url + "/v2/apps", null, null);
      assertThat(listed.body()).contains("\"id\":\"/eng/web\"").contains("\"id\":\"/ops/db\"");
    }
  }

  private static String app(String id) {
    return "{\"id\": \"" + id + "\", \"cmd\": \"sleep 1000\", \"cpus\": 0.1, \"mem\": 32}";
  }

  private static HttpClient client(SSLContext ssl) {
    return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(ssl)
        .connectTimeout(Duration.ofSeconds(5)).build();
  }

  private static HttpResponse<String> send(HttpClient client, String method, String url, String authorization,
      String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(15))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
