package io.corral.command;

import io.corral.common.security.ClientCredentials;
import io.corral.common.security.TlsFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * How a client command (the operator commands, example frameworks) proves itself on a secured
 * cluster: over TLS trusting {@code <tls-dir>/ca.pem}, with a principal's secret read from a
 * file (never given on the command line) or the principal's certificate
 * {@code <tls-dir>/<principal>.pem}.
 */
public final class ClientSecurityOptions {
  @Option(names = "--security", defaultValue = "false",
      description = "The cluster is secured: TLS, and authenticate as --principal (default ${DEFAULT-VALUE}; "
          + "security=true in corral.properties turns it on for every command).")
  boolean security;

  @Option(names = "--tls-dir", description = "Directory of ca.pem and certificates (default: <conf dir>/tls).")
  Path tlsDir;

  @Option(names = "--principal", description = "Who to authenticate as: with --secret-file, or with the "
      + "certificate <tls-dir>/<principal>.pem and its key.")
  String principal;

  @Option(names = "--secret-file", description = "File holding the principal's secret.")
  Path secretFile;

  /** Whether the cluster is secured (--security, or security=true in corral.properties). */
  public boolean enabled() {
    return security;
  }

  /** Where ca.pem and the certificates are: --tls-dir, or {@code <conf dir>/tls}. */
  public Path tlsDir() {
    return tlsDir != null ? tlsDir : ConfDir.get().resolve("tls");
  }

  /** What to present; {@link ClientCredentials#NONE} without --security. */
  public ClientCredentials credentials() {
    if (!security) {
      return ClientCredentials.NONE;
    }
    Path dir = tlsDir();
    try {
      if (principal == null) {
        throw new CliException(2, "the cluster is secured: give --principal, with --secret-file or a certificate "
            + dir.resolve("<principal>.pem"));
      }
      if (secretFile != null) {
        return new ClientCredentials(TlsFiles.trusting(dir.resolve("ca.pem")), principal, secretFile).check();
      }
      TlsFiles mine = TlsFiles.inDir(dir, principal);
      if (!Files.exists(mine.cert())) {
        throw new CliException(2, "no --secret-file, and no certificate " + mine.cert() + " for principal '"
            + principal + "'");
      }
      return new ClientCredentials(mine.check(), null, null);
    } catch (IOException e) {
      throw new CliException(2, e.getMessage());
    }
  }
}
