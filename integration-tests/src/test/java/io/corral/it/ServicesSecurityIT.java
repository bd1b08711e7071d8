package io.corral.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.corral.certs.CertificateAuthority;
import io.corral.common.security.BasicAuth;
import io.corral.common.security.TlsFiles;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

/**
 * The services framework in a secured cluster of real processes ({@code corral master --security},
 * {@code corral agent --security}, {@code corral services --security}, certificates from
 * {@code corral certs}' CA): it registers with the master as its principal, serves HTTPS, lets every
 * authenticated caller read, and lets a caller change only the apps its {@code manage_services}
 * rules name.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class ServicesSecurityIT {
  private static final Duration START = Duration.ofSeconds(60);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ACLS = """
      {
        "register_frameworks": [ {"principals": ["services"], "roles": "ANY"} ],
        "run_tasks":           [ {"principals": ["services"], "users": "ANY"} ],
        "view_state":          [ {"principals": "ANY"} ],
        "register_agents":     [ {"principals": ["agent"]} ],
        "manage_services":     [ {"principals": ["etl"], "app_ids": ["/etl"]},
                                 {"principals": ["ops"], "app_ids": ["/"]} ]
      }
      """;

  @Test
  void aSecuredServicesFrameworkRegistersAsItsPrincipalServesHttpsAndChecksWhoChangesWhat(TestInfo info)
      throws Exception {
    Path dir = TestClusters.dir(info);
    Path tls = dir.resolve("tls");
    CertificateAuthority ca = CertificateAuthority.create("test-ca", Duration.ofDays(1));
    ca.save(tls);
    for (String daemon : List.of("master", "agent", "services")) {
      ca.issue(tls, daemon, List.of("localhost", "127.0.0.1"), Duration.ofDays(1));
    }
    Path credentials = Files.writeString(dir.resolve("credentials"), "etl etl-secret\nops ops-secret\n");
    Files.setPosixFilePermissions(credentials, PosixFilePermissions.fromString("rw-------"));
    Path acls = Files.writeString(dir.resolve("acls.json"), ACLS);
    List<String> security = List.of("--security", "--tls-dir", tls.toString(), "--credentials",
        credentials.toString(), "--acls", acls.toString());

    try (CorralProcess master = CorralProcess.start(dir.resolve("master.log"), args(List.of("master", "--host",
        "127.0.0.1", "--port", "0", "--work-dir", dir.resolve("master").toString()), security))) {
      String address = master.awaitLine("master: (127\\.0\\.0\\.1:\\d+)", START).group(1);
      String masterHttp = master.awaitLine("http: (\\S+)", START).group(1);
      try (CorralProcess agent = CorralProcess.start(dir.resolve("agent.log"), args(List.of("agent", "--master",
              address, "--host", "127.0.0.1", "--port", "0", "--work-dir", dir.resolve("agent").toString(),
              "--resources", "cpus:1;mem:512;disk:512", "--shutdown-executors-on-exit"), security));
          CorralProcess services = CorralProcess.start(dir.resolve("services.log"), args(List.of("services",
              "--master", address, "--host", "127.0.0.1", "--http-port", "0", "--work-dir",
              dir.resolve("services").toString(), "--principal", "services"), security))) {
        agent.awaitLine("agent: (\\S+) registered with (\\S+)", START);
        String url = services.awaitLine("services: (\\S+)", START).group(1);
        String api = url.endsWith("/") ? url : url + "/";
        assertThat(api).startsWith("https://127.0.0.1:");

        SSLContext trusting = TlsFiles.trusting(tls.resolve("ca.pem")).sslContext();
        String etl = BasicAuth.header("etl", "etl-secret");
        String ops = BasicAuth.header("ops", "ops-secret");

        // It registered with the master as its principal (its certificate).
        await().atMost(START).until(() -> frameworkPrincipals(trusting, ops, masterHttp).contains("services"));

        // Every caller must authenticate, /ping included; any authenticated caller reads.
        assertThat(send(trusting, null, "GET", api + "v2/apps", null).statusCode()).isEqualTo(401);
        assertThat(send(trusting, null, "GET", api + "ping", null).statusCode()).isEqualTo(401);
        assertThat(send(trusting, BasicAuth.header("etl", "guess"), "GET", api + "v2/apps", null).statusCode())
            .isEqualTo(401);
        await().atMost(START).until(() -> send(trusting, etl, "GET", api + "v2/apps", null).statusCode() == 200);

        // etl may change /etl/...: its app is created and runs on the secured agent, in the role of its
        // top-level group (Marathon 1.9's group roles): the framework joins role etl for it.
        HttpResponse<String> created = send(trusting, etl, "POST", api + "v2/apps",
            app("/etl/web").replace("}", ", \"role\": \"etl\"}"));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        await().atMost(START).until(() -> tasksRunning(trusting, etl, api + "v2/apps/etl/web") == 1);
        JsonNode state = JSON.readTree(send(trusting, ops, "GET", masterHttp + "api/v1/state", null).body());
        assertThat(state.get("frameworks").get(0).get("roles").toString()).contains("\"*\"", "\"etl\"");
        assertThat(state.get("tasks").get(0).get("role").asText()).as("charged to its app's role").isEqualTo("etl");
        HttpResponse<String> otherRole = send(trusting, etl, "POST", api + "v2/apps",
            app("/etl/db").replace("}", ", \"role\": \"ops\"}"));
        assertThat(otherRole.statusCode()).isEqualTo(422);
        assertThat(otherRole.body()).contains("expected one of [*, etl]");

        // ...and nothing else: 403 with the reason, nothing created.
        HttpResponse<String> refused = send(trusting, etl, "POST", api + "v2/apps", app("/ops/db"));
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).contains("may not change the services app '/ops/db'");
        assertThat(send(trusting, ops, "GET", api + "v2/apps/ops/db", null).statusCode()).isEqualTo(404);
        HttpResponse<String> etlRemovesOps = send(trusting, etl, "DELETE", api + "v2/apps/etl/web?force=true", null);
        assertThat(etlRemovesOps.statusCode()).as("its own app: allowed").isEqualTo(200);

        // ops may change any app; a client certificate of the cluster's CA authenticates as well.
        ca.issue(tls, "ops", List.of(), Duration.ofDays(1));
        SSLContext opsCert = TlsFiles.inDir(tls, "ops").sslContext();
        HttpResponse<String> byCert = send(opsCert, null, "POST", api + "v2/apps", app("/ops/db"));
        assertThat(byCert.statusCode()).as(byCert.body()).isEqualTo(201);
        await().atMost(START).until(() -> tasksRunning(opsCert, null, api + "v2/apps/ops/db") == 1);
        assertThat(send(opsCert, null, "DELETE", api + "v2/apps/ops/db", null).statusCode()).isEqualTo(200);
        await().atMost(START).until(() -> runningTasks(trusting, ops, masterHttp) == 0);
      }
    }
  }

  private static String app(String id) {
    return "{\"id\": \"" + id + "\", \"cmd\": \"exec sleep 1000\", \"instances\": 1, \"cpus\": 0.1, \"mem\": 32}";
  }

  private static int tasksRunning(SSLContext ssl, String auth, String appUrl) throws Exception {
    HttpResponse<String> r = send(ssl, auth, "GET", appUrl, null);
    return r.statusCode() == 200 ? JSON.readTree(r.body()).get("app").get("tasksRunning").asInt() : -1;
  }

  private static List<String> frameworkPrincipals(SSLContext ssl, String auth, String masterHttp) throws Exception {
    JsonNode state = JSON.readTree(send(ssl, auth, "GET", masterHttp + "api/v1/state", null).body());
    List<String> out = new ArrayList<>();
    state.get("frameworks").forEach(f -> out.add(f.path("principal").asText()));
    return out;
  }

  private static int runningTasks(SSLContext ssl, String auth, String masterHttp) throws Exception {
    JsonNode state = JSON.readTree(send(ssl, auth, "GET", masterHttp + "api/v1/state", null).body());
    int running = 0;
    for (JsonNode t : state.get("tasks")) {
      running += t.get("state").asText().equals("TASK_RUNNING") ? 1 : 0;
    }
    return running;
  }

  private static HttpResponse<String> send(SSLContext ssl, String authorization, String method, String url,
      String json) throws Exception {
    HttpClient client = HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(10)).build();
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
        .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
    if (json != null) {
      b.header("Content-Type", "application/json");
    }
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String[] args(List<String> a, List<String> b) {
    return java.util.stream.Stream.concat(a.stream(), b.stream()).toArray(String[]::new);
  }
}
