package io.corral.common.security;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A client's credentials from a host framework's own settings (Hadoop's {@code mapred-site.xml},
 * Spark's {@code spark.corral.*}, Storm's {@code storm.yaml}): five keys under a prefix,
 * {@code <prefix>tls.ca}, {@code tls.cert}, {@code tls.key}, {@code principal} and
 * {@code secret.file}. Without any of them the environment decides
 * ({@link ClientCredentials#fromEnvironment}); with some, a missing CA is the environment's
 * {@code CORRAL_TLS_CA} (in a Corral task: the agent's, which is the cluster's). Errors name the
 * setting, never a secret.
 */
public final class CredentialSettings {
  public static final String TLS_CA = "tls.ca";
  public static final String TLS_CERT = "tls.cert";
  public static final String TLS_KEY = "tls.key";
  public static final String PRINCIPAL = "principal";
  public static final String SECRET_FILE = "secret.file";
  private static final List<String> KEYS = List.of(TLS_CA, TLS_CERT, TLS_KEY, PRINCIPAL, SECRET_FILE);

  private CredentialSettings() {}

  /** The five settings' full names under {@code prefix}. */
  public static List<String> keys(String prefix) {
    return KEYS.stream().map(k -> prefix + k).toList();
  }

  /**
   * The credentials the settings (or else the environment) name, with every file checked.
   *
   * @param setting a setting's value by its full name (null or blank: not set)
   * @throws IOException naming the setting or file that is missing, unreadable or incomplete
   */
  public static ClientCredentials read(String prefix, Function<String, String> setting, Map<String, String> env)
      throws IOException {
    String ca = value(setting, prefix + TLS_CA);
    String cert = value(setting, prefix + TLS_CERT);
    String key = value(setting, prefix + TLS_KEY);
    String principal = value(setting, prefix + PRINCIPAL);
    String secret = value(setting, prefix + SECRET_FILE);
    ClientCredentials creds;
    if (ca == null && cert == null && key == null && principal == null && secret == null) {
      try {
        creds = ClientCredentials.fromEnvironment(env);
      } catch (IllegalArgumentException e) {
        throw new IOException("Corral credentials from the environment (" + ClientCredentials.ENV_CA + ", ...): "
            + e.getMessage(), e);
      }
    } else {
      if (ca == null) {
        String fromEnv = env.get(ClientCredentials.ENV_CA);
        ca = fromEnv == null || fromEnv.isBlank() ? null : fromEnv.trim();
      }
      if (ca == null) {
        throw new IOException(prefix + TLS_CA + " is not set: which CA certificate does the Corral master's "
            + "certificate come from?");
      }
      if ((cert == null) != (key == null)) {
        throw new IOException(cert == null ? prefix + TLS_KEY + " is set but not " + prefix + TLS_CERT
            : prefix + TLS_CERT + " is set but not " + prefix + TLS_KEY);
      }
      if ((principal == null) != (secret == null)) {
        throw new IOException(principal == null ? prefix + SECRET_FILE + " is set but not " + prefix + PRINCIPAL
            : prefix + PRINCIPAL + " is set but not " + prefix + SECRET_FILE
                + (cert == null ? "" : " (with a certificate, its CN is the principal: leave " + prefix + PRINCIPAL
                    + " unset)"));
      }
      creds = new ClientCredentials(new TlsFiles(Path.of(ca), cert == null ? null : Path.of(cert),
          key == null ? null : Path.of(key)), principal, secret == null ? null : Path.of(secret));
    }
    return creds.check();
  }

  private static String value(Function<String, String> setting, String name) {
    String v = setting.apply(name);
    return v == null || v.isBlank() ? null : v.trim();
  }
}
