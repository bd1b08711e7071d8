package io.corral.frameworks.common.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.corral.certs.CertificateAuthority;
import io.corral.common.security.Credentials;
import io.corral.common.security.TlsFiles;
import io.corral.frameworks.common.election.Leadership;
import io.corral.http.HttpLimits;
import io.corral.http.Response;
import io.corral.http.auth.HttpAuthenticator;
import io.corral.http.auth.HttpSecurity;
import io.corral.http.server.HttpServer;
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
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Under security the leader judges the caller, not the standby that passed the request on: a
 * standby names its caller, and the leader believes that only from the instances' own certificate.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LeaderProxySecurityTest {
  @TempDir Path dir;

  @Test
  void theLeaderSeesTheCallerOfARequestAStandbyPassedOnAndNoOneElseCanNameOne() throws Exception {
    Path tls = dir.resolve("tls");
    CertificateAuthority ca = CertificateAuthority.create("test-ca", Duration.ofDays(1));
    ca.save(tls);
    ca.issue(tls, "services", List.of("localhost", "127.0.0.1"), Duration.ofDays(1));
    ca.issue(tls, "ops", List.of(), Duration.ofDays(1));
    Path credentials = dir.resolve("credentials");
    Files.writeString(credentials, "eng eng-secret\n");
    HttpSecurity security = HttpSecurity.of(TlsFiles.inDir(tls, "services"), Credentials.load(credentials));
    Router whoAsks = Router.builder(ErrorBody.MESSAGE)
        .get("/v2/who", (r, p) -> Response.of(200, "text/plain", String.valueOf(r.principal())
            .getBytes(StandardCharsets.UTF_8)))
        .build();

    LeaderProxy[] leading = new LeaderProxy[1];
    LeaderProxy[] following = new LeaderProxy[1];
    try (HttpServer leader = HttpServer.start("127.0.0.1", 0, "leader", HttpLimits.DEFAULTS,
        r -> leading[0].handle(r), security);
        HttpServer standby = HttpServer.start("127.0.0.1", 0, "standby", HttpLimits.DEFAULTS,
            r -> following[0].handle(r), security)) {
      String leaderUrl = "https://127.0.0.1:" + leader.port();
      String standbyUrl = "https://127.0.0.1:" + standby.port();
      leading[0] = LeaderProxy.builder(whoAsks, Leadership.solo(leaderUrl), leaderUrl).errors(ErrorBody.MESSAGE)
          .client(LeaderProxy.client(security.ssl())).peerPrincipal("services").build();
      Leadership standing = new Leadership() {
        @Override
        public boolean leading() {
          return false;
        }

        @Override
        public Optional<String> leaderUrl() {
          return Optional.of(leaderUrl);
        }
      };
      following[0] = LeaderProxy.builder(whoAsks, standing, standbyUrl).errors(ErrorBody.MESSAGE)
          .client(LeaderProxy.client(security.ssl())).peerPrincipal("services").build();

      HttpClient ops = client(TlsFiles.inDir(tls, "ops").sslContext());
      HttpClient anonymous = client(TlsFiles.trusting(tls.resolve("ca.pem")).sslContext());
      String eng = "Basic " + Base64.getEncoder().encodeToString("eng:eng-secret".getBytes(StandardCharsets.UTF_8));

      assertThat(who(ops, standbyUrl, null, null)).as("a certificate's caller, through the standby").isEqualTo("ops");
      assertThat(who(anonymous, standbyUrl, eng, null)).as("a secret's caller, through the standby").isEqualTo("eng");
      assertThat(who(ops, standbyUrl, null, "root")).as("a caller's own header is dropped").isEqualTo("ops");
      assertThat(who(ops, leaderUrl, null, "root")).as("believed only from the instances' certificate")
          .isEqualTo("ops");
      assertThat(who(anonymous, leaderUrl, eng, "root")).isEqualTo("eng");
      HttpResponse<String> none = anonymous.send(HttpRequest.newBuilder(URI.create(standbyUrl + "/v2/who")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(none.statusCode()).as("a standby lets no unauthenticated request through").isEqualTo(401);
    }
  }

  private static HttpClient client(SSLContext ssl) {
    return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(ssl)
        .connectTimeout(Duration.ofSeconds(5)).build();
  }

  private static String who(HttpClient client, String url, String authorization, String onBehalfOf) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + "/v2/who")).timeout(Duration.ofSeconds(15));
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    if (onBehalfOf != null) {
      b.header(HttpAuthenticator.ON_BEHALF_OF, onBehalfOf);
    }
    HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return r.body();
  }
}
