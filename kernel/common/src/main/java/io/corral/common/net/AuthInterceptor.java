package io.corral.common.net;

import io.corral.common.log.ThrottledWarning;
import io.corral.common.security.BasicAuth;
import io.corral.common.security.Credentials;
import io.corral.common.security.Identity;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Optional;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds out who calls: the common name of a client certificate the TLS handshake verified, or
 * a principal and secret in the {@code authorization} metadata checked against the
 * credentials. A call with a wrong secret is refused here ({@code UNAUTHENTICATED}); a call
 * with neither goes on anonymous, and each service decides what an anonymous caller may do.
 */
public final class AuthInterceptor implements ServerInterceptor {
  private static final Logger LOG = LoggerFactory.getLogger(AuthInterceptor.class);
  /** Anyone who reaches the port can make these repeat. */
  private static final ThrottledWarning REFUSED = new ThrottledWarning(LOG);
  static final Context.Key<Identity> IDENTITY = Context.key("corral-identity");
  static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of(BasicAuth.HEADER, Metadata.ASCII_STRING_MARSHALLER);

  private final Credentials credentials;

  public AuthInterceptor(Credentials credentials) {
    this.credentials = credentials;
  }

  /** The caller of the current call, if it authenticated. */
  public static Optional<Identity> current() {
    return Optional.ofNullable(IDENTITY.get());
  }

  @Override
  public <Q, A> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
    SSLSession tls = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
    Identity identity = tls == null ? null : certificateIdentity(tls);
    String authorization = headers.get(AUTHORIZATION);
    if (authorization != null) {
      String peer = String.valueOf(call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR));
      Optional<String[]> basic = BasicAuth.parse(authorization);
      Optional<Identity> bySecret = basic.flatMap(p -> credentials.authenticate(p[0], p[1]));
      String refusal = null;
      if (tls == null) {
        refusal = "secrets are only accepted over TLS";
      } else if (bySecret.isEmpty()) {
        refusal = basic.isEmpty() ? "malformed authorization metadata"
            : "wrong principal or secret (principal '" + basic.get()[0] + "')";
      } else if (identity != null && !identity.principal().equals(bySecret.get().principal())) {
        refusal = "certificate of '" + identity.principal() + "' with the secret of '"
            + bySecret.get().principal() + "'";
      }
      if (refusal != null) {
        REFUSED.warn("refused a call to {} from {}: {}", call.getMethodDescriptor().getFullMethodName(), peer, refusal);
        call.close(Status.UNAUTHENTICATED.withDescription(refusal), new Metadata());
        return new ServerCall.Listener<>() {};
      }
      identity = bySecret.get();
    }
    Context ctx = identity == null ? Context.current() : Context.current().withValue(IDENTITY, identity);
    return Contexts.interceptCall(ctx, call, headers, next);
  }

  private static Identity certificateIdentity(SSLSession tls) {
    try {
      Certificate[] chain = tls.getPeerCertificates();
      if (chain.length > 0 && chain[0] instanceof X509Certificate leaf) {
        return commonName(leaf).map(cn -> new Identity(cn, Identity.Method.CERTIFICATE)).orElse(null);
      }
    } catch (SSLPeerUnverifiedException e) {
      // the client sent no certificate
    }
    return null;
  }

  /** The CN of a certificate's subject. */
  public static Optional<String> commonName(X509Certificate cert) {
    try {
      LdapName name = new LdapName(cert.getSubjectX500Principal().getName());
      for (Rdn rdn : name.getRdns()) {
        if (rdn.getType().equalsIgnoreCase("CN")) {
          return Optional.of(rdn.getValue().toString());
        }
      }
    } catch (InvalidNameException e) {
      // no usable name
    }
    return Optional.empty();
  }
}
