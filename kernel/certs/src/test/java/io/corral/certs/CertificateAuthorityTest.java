package io.corral.certs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.corral.common.security.BasicAuth;
import io.corral.common.security.Credentials;
import io.corral.common.security.Pem;
import io.corral.common.security.TlsFiles;
import io.corral.http.HttpLimits;
import io.corral.http.Response;
import io.corral.http.server.HttpServer;
import io.corral.http.auth.HttpSecurity;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CA of {@code corral certs}, and its certificates in a real TLS handshake (HTTPS, as the daemons serve it). */
class CertificateAuthorityTest {
  @TempDir Path dir;

  @Test
  void issuedCertificatesAreSignedByTheCaNameTheirHostsAndKeepTheirKeysPrivate() throws Exception {
    CertificateAuthority ca = CertificateAuthority.create("ca", Duration.ofDays(2));
    ca.save(dir);
    ca.issue(dir, "master", List.of("localhost", "127.0.0.1", "m1.example.com"), Duration.ofDays(1));
    X509Certificate cert = Pem.certificates(dir.resolve("master.pem")).get(0);
    cert.verify(Pem.certificates(dir.resolve("ca.pem")).get(0).getPublicKey());
    assertThat(cert.getSubjectX500Principal().getName()).startsWith("CN=master");
    assertThat(cert.getSubjectAlternativeNames()).extracting(l -> l.get(1).toString())
        .containsExactlyInAnyOrder("localhost", "127.0.0.1", "m1.example.com");
    assertThat(Files.readString(dir.resolve("master-key.pem"))).startsWith("-----BEGIN PRIVATE KEY-----");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("master-key.pem"))))
        .isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("ca-key.pem"))))
        .isEqualTo("rw-------");
    assertThat(Pem.privateKey(dir.resolve("master-key.pem")).getAlgorithm()).isEqualTo("EC");
    // A CA loaded back issues certificates the same CA verifies.
    CertificateAuthority.load(dir).issue(dir, "bob", List.of(), Duration.ofDays(1));
    Pem.certificates(dir.resolve("bob.pem")).get(0).verify(cert.getPublicKey() == null ? null
        : Pem.certificates(dir.resolve("ca.pem")).get(0).getPublicKey());
    assertThatThrownBy(() -> CertificateAuthority.checkName("../x")).hasMessageContaining("cannot be a principal");
  }

  @Test
  void httpsAcceptsTheCasCertificatesAndBasicAuthAndRefusesEveryoneElse() throws Exception {
    CertificateAuthority ca = CertificateAuthority.create("ca", Duration.ofDays(1));
    ca.save(dir);
    ca.issue(dir, "master", List.of("127.0.0.1"), Duration.ofDays(1));
    ca.issue(dir, "alice", List.of(), Duration.ofDays(1));
    Path foreign = dir.resolve("foreign");
    CertificateAuthority other = CertificateAuthority.create("other", Duration.ofDays(1));
    other.save(foreign);
    other.issue(foreign, "alice", List.of(), Duration.ofDays(1));
    Credentials creds = Credentials.load(Files.writeString(dir.resolve("credentials"), "bob b0b\n"));
    try (HttpServer server = HttpServer.start("127.0.0.1", 0, "test-https", HttpLimits.DEFAULTS,
        req -> Response.json(200, java.util.Map.of("principal", req.principal())),
        HttpSecurity.of(TlsFiles.inDir(dir, "master"), creds))) {
      String url = "https://127.0.0.1:" + server.port() + "/who";
      SSLContext trusting = TlsFiles.trusting(dir.resolve("ca.pem")).sslContext();
      assertThat(get(TlsFiles.inDir(dir, "alice").sslContext(), url, null).body()).contains("\"principal\":\"alice\"");
      assertThat(get(trusting, url, BasicAuth.header("bob", "b0b")).body()).contains("\"principal\":\"bob\"");
      assertThat(get(trusting, url, BasicAuth.header("bob", "nope")).statusCode()).isEqualTo(401);
      HttpResponse<String> anonymous = get(trusting, url, null);
      assertThat(anonymous.statusCode()).isEqualTo(401);
      assertThat(anonymous.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
          v -> assertThat(v).startsWith("Basic realm=\"corral\""));
      // A certificate of another CA does not make alice: it is not taken as a client certificate at all.
      SSLContext impostor = new TlsFiles(dir.resolve("ca.pem"), foreign.resolve("alice.pem"),
          foreign.resolve("alice-key.pem")).sslContext();
      assertThat(get(impostor, url, null).statusCode()).isEqualTo(401);
      // A client that does not trust the daemon's CA does not talk to it.
      assertThatThrownBy(() -> get(TlsFiles.trusting(foreign.resolve("ca.pem")).sslContext(), url, null))
          .isInstanceOf(java.io.IOException.class);
    }
  }

  private static HttpResponse<String> get(SSLContext ssl, String url, String authorization) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    return HttpClient.newBuilder().sslContext(ssl).build().send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
