package io.corral.http.auth;

import io.corral.common.log.ThrottledWarning;
import io.corral.common.net.AuthInterceptor;
import io.corral.common.security.BasicAuth;
import io.corral.common.security.Credentials;
import io.corral.common.security.Identity;
import io.corral.http.ApiException;
import io.corral.http.Request;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who sends an HTTP request: the CN of a client certificate the TLS handshake verified, or the
 * principal of an {@code Authorization: Basic} header whose secret is right. Anything else is a
 * 401 that asks browsers for a user name and password.
 */
public final class HttpAuthenticator {
  private static final Logger LOG = LoggerFactory.getLogger(HttpAuthenticator.class);
  /**
   * Header with which the master names the user it forwards a sandbox read for (the web UI reads
   * through the master); believed only from the certificate of {@link #MASTER_PRINCIPAL}.
   */
  public static final String ON_BEHALF_OF = "X-Corral-On-Behalf-Of";
  /** The CN of the master's certificate, as {@code corral certs init} names it. */
  public static final String MASTER_PRINCIPAL = "master";

  private final Credentials credentials;

  /** Wrong secrets are a peer's to repeat (a client retrying, someone guessing): a line a minute at most. */
  private final ThrottledWarning refused = new ThrottledWarning(LOG);

  public HttpAuthenticator(Credentials credentials) {
    this.credentials = credentials;
  }

  /** The identity of a request (its client certificate's, or its basic auth's), or a 401. */
  public Identity authenticate(Request request) {
    Optional<Identity> cert = certificate(request);
    String header = request.header("Authorization");
    if (header != null) {
      Optional<String[]> basic = BasicAuth.parse(header);
      Optional<Identity> bySecret = basic.flatMap(p -> credentials.authenticate(p[0], p[1]));
      if (bySecret.isEmpty()) {
        String why = basic.isEmpty() ? "malformed Authorization header (expected Basic)"
            : "wrong principal or secret (principal '" + basic.get()[0] + "')";
        refused.warn("refused HTTP {} from {}: {}", request, request.remote(), why);
        throw unauthorized(why);
      }
      return bySecret.get();
    }
    return cert.orElseThrow(() -> unauthorized("authentication required: a client certificate, or basic auth with a "
        + "principal and secret of the credentials file"));
  }

  private static ApiException unauthorized(String message) {
    return new ApiException(401, message).withHeader("WWW-Authenticate", "Basic realm=\"corral\", charset=\"UTF-8\"");
  }

  private static Optional<Identity> certificate(Request request) {
    return Optional.ofNullable(request.clientCertificate()).flatMap(AuthInterceptor::commonName)
        .map(cn -> new Identity(cn, Identity.Method.CERTIFICATE));
  }
}
