package io.corral.http.auth;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsExchange;
import io.corral.common.net.AuthInterceptor;
import io.corral.common.security.BasicAuth;
import io.corral.common.security.Credentials;
import io.corral.common.security.Identity;
import io.corral.http.ApiException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Optional;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who sends an HTTP request: the CN of a client certificate the TLS handshake verified, or the
 * principal of an {@code Authorization: Basic} header whose secret is right. Anything else is a
 * 401 that asks browsers for a user name and password.
 */
public final class HttpAuthenticator {
  private static final Logger LOG = LoggerFactory.getLogger(HttpAuthenticator.class);
  static final String ATTRIBUTE = "corral.identity";
  /**
   * Header with which the master names the user it forwards a sandbox read for (the web UI reads
   * through the master); believed only from the certificate of {@link #MASTER_PRINCIPAL}.
   */
  public static final String ON_BEHALF_OF = "X-Corral-On-Behalf-Of";
  /** The CN of the master's certificate, as {@code corral certs init} names it. */
  public static final String MASTER_PRINCIPAL = "master";

  private final Credentials credentials;

  public HttpAuthenticator(Credentials credentials) {
    this.credentials = credentials;
  }

  /** Authenticates the request and remembers its identity on it, or throws a 401. */
  public Identity authenticate(HttpExchange ex) {
    Optional<Identity> cert = certificate(ex);
    String header = ex.getRequestHeaders().getFirst("Authorization");
    Identity id;
    if (header != null) {
      Optional<String[]> basic = BasicAuth.parse(header);
      Optional<Identity> bySecret = basic.flatMap(p -> credentials.authenticate(p[0], p[1]));
      if (bySecret.isEmpty()) {
        String why = basic.isEmpty() ? "malformed Authorization header (expected Basic)"
            : "wrong principal or secret (principal '" + basic.get()[0] + "')";
        LOG.warn("refused HTTP {} {} from {}: {}", ex.getRequestMethod(), ex.getRequestURI().getRawPath(),
            ex.getRemoteAddress(), why);
        throw unauthorized(why);
      }
      id = bySecret.get();
    } else if (cert.isPresent()) {
      id = cert.get();
    } else {
      throw unauthorized("authentication required: a client certificate, or basic auth with a principal "
          + "and secret of the credentials file");
    }
    ex.setAttribute(ATTRIBUTE, id);
    return id;
  }

  private static ApiException unauthorized(String message) {
    return new ApiException(401, message).withHeader("WWW-Authenticate", "Basic realm=\"corral\", charset=\"UTF-8\"");
  }

  private static Optional<Identity> certificate(HttpExchange ex) {
    if (ex instanceof HttpsExchange https && https.getSSLSession() != null) {
      try {
        Certificate[] chain = https.getSSLSession().getPeerCertificates();
        if (chain.length > 0 && chain[0] instanceof X509Certificate leaf) {
          return AuthInterceptor.commonName(leaf).map(cn -> new Identity(cn, Identity.Method.CERTIFICATE));
        }
      } catch (SSLPeerUnverifiedException e) {
        // no client certificate
      }
    }
    return Optional.empty();
  }

  /** The identity {@link #authenticate} found for a request; empty without security. */
  public static Optional<Identity> identity(HttpExchange ex) {
    return Optional.ofNullable((Identity) ex.getAttribute(ATTRIBUTE));
  }

  /** The principal of a request's identity, null without security. */
  public static String principal(HttpExchange ex) {
    return identity(ex).map(Identity::principal).orElse(null);
  }
}
