package io.corral.http.auth;

import io.corral.common.net.ServerSecurity;
import io.corral.common.security.ClientCredentials;
import io.corral.common.security.Credentials;
import io.corral.common.security.TlsFiles;
import java.io.IOException;
import java.util.Objects;

/**
 * A daemon's security when it is on: its TLS files (its own certificate, which it serves with
 * and presents as a client), the secrets it accepts, and the ACLs it enforces.
 */
public record DaemonSecurity(TlsFiles tls, Credentials credentials, Acls acls) {
  public DaemonSecurity {
    Objects.requireNonNull(tls, "tls");
    Objects.requireNonNull(credentials, "credentials");
    Objects.requireNonNull(acls, "acls");
    if (!tls.hasCertificate()) {
      throw new IllegalArgumentException("a daemon needs a certificate and key of its own");
    }
  }

  /** For its gRPC server. */
  public ServerSecurity grpc() {
    return new ServerSecurity(tls, credentials);
  }

  /** For its HTTP server. */
  public HttpSecurity http() throws IOException {
    return HttpSecurity.of(tls, credentials);
  }

  /** What it presents when it connects to another daemon: its certificate (mutual TLS). */
  public ClientCredentials client() {
    return new ClientCredentials(tls, null, null);
  }

  public Authorizer authorizer() {
    return new Authorizer(acls);
  }

  /** Null-safe: {@link Authorizer#PERMISSIVE} without security. */
  public static Authorizer authorizer(DaemonSecurity security) {
    return security == null ? Authorizer.PERMISSIVE : security.authorizer();
  }

  @Override
  public String toString() {
    return "TLS with " + tls.cert() + ", " + credentials + ", ACLs: " + acls;
  }
}
