package io.corral.common.net;

import io.corral.common.security.Credentials;
import io.corral.common.security.TlsFiles;
import java.util.Objects;

/**
 * How a gRPC server is secured: TLS with its certificate, clients' certificates verified
 * against the CA when they present one (which ones are required is each service's call:
 * agents must, schedulers may use a secret instead), and the secrets it accepts.
 */
public record ServerSecurity(TlsFiles tls, Credentials credentials) {
  public ServerSecurity {
    Objects.requireNonNull(tls, "tls");
    Objects.requireNonNull(credentials, "credentials");
    if (!tls.hasCertificate()) {
      throw new IllegalArgumentException("a TLS server needs a certificate and key");
    }
  }
}
