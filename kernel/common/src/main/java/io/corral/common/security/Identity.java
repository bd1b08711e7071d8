package io.corral.common.security;

import java.util.Objects;

/**
 * Who is calling, once authenticated: a principal and how it proved it.
 *
 * @param principal the name ACLs use (a certificate's common name, or the name a secret belongs to)
 * @param method how it was established
 */
public record Identity(String principal, Method method) {
  public enum Method {
    /** A client certificate signed by the cluster's CA (mutual TLS); the principal is its CN. */
    CERTIFICATE,
    /** A principal and its secret, checked against the credentials file. */
    SECRET
  }

  public Identity {
    Objects.requireNonNull(principal, "principal");
    Objects.requireNonNull(method, "method");
  }

  @Override
  public String toString() {
    return principal + " (" + method.name().toLowerCase(java.util.Locale.ROOT) + ")";
  }
}
