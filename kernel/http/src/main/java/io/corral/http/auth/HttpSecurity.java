package io.corral.http.auth;

import io.corral.common.security.Credentials;
import io.corral.common.security.TlsFiles;
import java.io.IOException;
import java.util.Objects;
import javax.net.ssl.SSLContext;

/**
 * How an HTTP server is secured: HTTPS with the daemon's certificate, and callers authenticated
 * by a client certificate of the cluster's CA or by basic auth against the credentials file.
 */
public record HttpSecurity(SSLContext ssl, Credentials credentials) {
  public HttpSecurity {
    Objects.requireNonNull(ssl, "ssl");
    Objects.requireNonNull(credentials, "credentials");
  }

  public static HttpSecurity of(TlsFiles tls, Credentials credentials) throws IOException {
    return new HttpSecurity(tls.check().sslContext(), credentials);
  }
}
