package io.corral.http;

import io.corral.common.security.Identity;
import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * One HTTP request as a route sees it, read whole and checked (its URI is well-formed and within
 * {@link HttpLimits#maxUriChars()}, its body within {@link HttpLimits#maxBodyBytes()}). Most
 * requests carry their parameters in the query; a few (quotas, weights) send a JSON body.
 *
 * @param method as sent ({@code GET}, {@code HEAD}, {@code POST}, ...)
 * @param rawPath the path, still percent-encoded ({@link HttpIo#segments} decodes it)
 * @param rawQuery the query without {@code ?}, still percent-encoded; null without one
 * @param headers the first value of each header, by lower-case name
 * @param remote the peer
 * @param clientCertificate the certificate the TLS handshake verified, null without one
 * @param identity who the request is from once authenticated ({@link io.corral.http.auth.HttpAuthenticator}),
 *     null without security
 * @param body the request's body (empty without one); do not modify
 */
public record Request(String method, String rawPath, String rawQuery, Map<String, String> headers,
    InetSocketAddress remote, X509Certificate clientCertificate, Identity identity, byte[] body) {
  private static final byte[] NO_BODY = new byte[0];

  public Request {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(rawPath, "rawPath");
    headers = Map.copyOf(headers);
    body = body == null ? NO_BODY : body;
  }

  /** The first value of a header (any case), null if absent. */
  public String header(String name) {
    return headers.get(name.toLowerCase(Locale.ROOT));
  }

  /** The principal of its identity, null without security. */
  public String principal() {
    return identity == null ? null : identity.principal();
  }

  public Request withIdentity(Identity id) {
    return new Request(method, rawPath, rawQuery, headers, remote, clientCertificate, id, body);
  }

  /** {@code METHOD /path} (no query: parameters may be long), for log lines. */
  @Override
  public String toString() {
    return method + " " + rawPath;
  }
}
