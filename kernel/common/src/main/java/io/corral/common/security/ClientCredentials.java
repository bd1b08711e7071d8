package io.corral.common.security;

import java.io.IOException;
import java.nio.file.Path;

/**
 * What a client (an agent, a scheduler, an executor, the CLI) presents to a server: TLS files
 * (the CA it trusts, and optionally its own certificate for mutual TLS) and optionally a
 * principal with a secret read from a file.
 *
 * @param tls TLS files; null = plaintext
 * @param principal the principal a secret belongs to (null = none; with a certificate the
 *     principal is the certificate's CN)
 * @param secretFile file holding the principal's secret (null = none)
 */
public record ClientCredentials(TlsFiles tls, String principal, Path secretFile) {
  /** Plaintext, anonymous: a cluster without security. */
  public static final ClientCredentials NONE = new ClientCredentials(null, null, null);

  public ClientCredentials {
    if ((principal == null) != (secretFile == null)) {
      throw new IllegalArgumentException(principal == null
          ? "a secret file needs its principal" : "principal '" + principal + "' needs a secret file");
    }
    if (secretFile != null && tls == null) {
      throw new IllegalArgumentException("a secret is only sent over TLS: give a CA certificate too");
    }
  }

  /** Environment variables a client's credentials can come from (see {@link #fromEnvironment}). */
  public static final String ENV_CA = "CORRAL_TLS_CA";
  public static final String ENV_CERT = "CORRAL_TLS_CERT";
  public static final String ENV_KEY = "CORRAL_TLS_KEY";
  public static final String ENV_PRINCIPAL = "CORRAL_PRINCIPAL";
  public static final String ENV_SECRET_FILE = "CORRAL_SECRET_FILE";

  /**
   * Credentials named by the environment: {@code CORRAL_TLS_CA} (TLS on, trusting that CA),
   * {@code CORRAL_TLS_CERT} and {@code CORRAL_TLS_KEY} (a client certificate),
   * {@code CORRAL_PRINCIPAL} and {@code CORRAL_SECRET_FILE} (a secret); {@link #NONE} without them.
   */
  public static ClientCredentials fromEnvironment(java.util.Map<String, String> env) {
    String ca = blankToNull(env.get(ENV_CA));
    if (ca == null) {
      return NONE;
    }
    String cert = blankToNull(env.get(ENV_CERT));
    String key = blankToNull(env.get(ENV_KEY));
    String principal = blankToNull(env.get(ENV_PRINCIPAL));
    String secret = blankToNull(env.get(ENV_SECRET_FILE));
    return new ClientCredentials(new TlsFiles(Path.of(ca), cert == null ? null : Path.of(cert),
        key == null ? null : Path.of(key)), principal, secret == null ? null : Path.of(secret));
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }

  public boolean secure() {
    return tls != null;
  }

  public boolean hasSecret() {
    return secretFile != null;
  }

  /** The secret, read now (so a rotated file is picked up on the next connection). */
  public String secret() throws IOException {
    return SecretFile.read(secretFile);
  }

  /** Fails with a message naming the file unless every named file is there and parses. */
  public ClientCredentials check() throws IOException {
    if (tls != null) {
      tls.check();
    }
    if (secretFile != null) {
      secret();
    }
    return this;
  }

  @Override
  public String toString() {
    if (tls == null) {
      return "plaintext";
    }
    return "TLS" + (tls.hasCertificate() ? " with certificate " + tls.cert() : "")
        + (principal != null ? ", principal " + principal : "");
  }
}
