package io.corral.daemon;

import io.corral.command.CliException;
import io.corral.command.ConfDir;
import io.corral.common.security.Credentials;
import io.corral.common.security.TlsFiles;
import io.corral.http.auth.Acls;
import io.corral.http.auth.DaemonSecurity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The security options of the daemons: one switch, and the files in the conf dir it uses
 * ({@code security=true} in corral.properties turns it on for every command; see Settings).
 */
final class DaemonSecurityOptions {
  @Option(names = "--security", defaultValue = "false",
      description = "TLS everywhere (mutual for agents), authenticated callers and ACLs, with the files of "
          + "--tls-dir, --credentials and --acls (default ${DEFAULT-VALUE}; security=true in corral.properties "
          + "turns it on for every command).")
  boolean security;

  @Option(names = "--tls-dir",
      description = "Directory of ca.pem and this daemon's certificate <name>.pem and key <name>-key.pem "
          + "(default: <conf dir>/tls; make them with: corral certs init).")
  Path tlsDir;

  @Option(names = "--tls-name",
      description = "Name of this daemon's certificate files in --tls-dir (default: master or agent).")
  String tlsName;

  @Option(names = "--credentials",
      description = "File of 'principal secret' lines: who may authenticate with a secret (default: "
          + "<conf dir>/credentials, if it exists; without it only certificates authenticate).")
  Path credentials;

  @Option(names = "--acls", description = "ACL file (default: <conf dir>/acls.json; required with --security: "
      + "once security is on, whatever it does not allow is refused).")
  Path acls;

  /** The daemon's security, or null when off; a file that is missing or wrong is one clear error. */
  DaemonSecurity load(String defaultName) {
    if (!security) {
      return null;
    }
    Path conf = ConfDir.get();
    Path dir = tlsDir != null ? tlsDir : conf.resolve("tls");
    Path credentialsFile = credentials != null ? credentials : conf.resolve("credentials");
    Path aclFile = acls != null ? acls : conf.resolve("acls.json");
    try {
      TlsFiles tls = TlsFiles.inDir(dir, tlsName != null ? tlsName : defaultName).check();
      Credentials creds = credentials == null && !Files.exists(credentialsFile)
          ? Credentials.NONE : Credentials.load(credentialsFile);
      if (!Files.exists(aclFile)) {
        throw new IOException("security is on but there is no ACL file " + aclFile
            + " (everything would be refused; see docs/security.md)");
      }
      return new DaemonSecurity(tls, creds, Acls.load(aclFile));
    } catch (IOException e) {
      throw new CliException(2, e.getMessage());
    }
  }
}
