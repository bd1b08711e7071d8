package io.corral.frameworks.common;

import io.corral.command.CliException;
import io.corral.command.ClientSecurityOptions;
import io.corral.command.ConfDir;
import io.corral.command.DurationConverter;
import io.corral.common.net.Advertisement;
import io.corral.common.net.AuthInterceptor;
import io.corral.common.net.Machine;
import io.corral.common.security.Credentials;
import io.corral.common.security.Pem;
import io.corral.common.security.TlsFiles;
import io.corral.common.security.ZkDigest;
import io.corral.http.auth.Acls;
import io.corral.http.auth.HttpSecurity;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The command line every built-in framework's process shares ({@code corral services ...}), as a
 * picocli mixin: {@code @Mixin FrameworkOptions options;} in the command, then
 * {@link #settings(String, int, PrintStream)}. The address rule is the daemons' ({@link Advertisement}):
 * {@code --host} is bound, {@code --advertise-host} (or Marathon's {@code --hostname}) is what others
 * are told, chosen as {@code corral master} chooses it when not given.
 */
public final class FrameworkOptions {
  @Option(names = "--master", required = true, description = "The Corral master: host:port or zk://host:port/path "
      + "(default: master= in corral.properties, or $CORRAL_MASTER).")
  String master;

  @Option(names = "--zk", description = "ZooKeeper for this framework's state and leader election: "
      + "zk://host:port[,host:port...][/path] (path default /corral-<framework>). Several instances on one path: one "
      + "leads, the others pass requests on to it. Without --zk: one instance, its state in --work-dir.")
  String zk;

  @Option(names = "--work-dir", description = "Where the state is without --zk (default: ./corral-<framework>).")
  Path workDir;

  @Option(names = "--http-port", description = "The HTTP API's port; 0: any free port, printed once it serves "
      + "(default: the framework's own).")
  Integer httpPort;

  @Option(names = "--host", defaultValue = "0.0.0.0", description = "The address the HTTP API listens on "
      + "(default ${DEFAULT-VALUE}: every interface).")
  String host;

  @Option(names = {"--advertise-host", "--hostname"}, description = "The name or address others reach this "
      + "instance at (its URL, which standbys pass requests on to); default: as corral master chooses its own.")
  String advertiseHost;

  @Option(names = "--role", defaultValue = "*", description = "The role the framework's tasks run in "
      + "(default ${DEFAULT-VALUE}).")
  String role;

  @Option(names = "--framework-name", description = "The framework's name at the master (default: the command's).")
  String frameworkName;

  @Option(names = "--failover-timeout", converter = DurationConverter.class, defaultValue = "7d",
      description = "How long the master keeps the framework's tasks running while no instance is connected "
          + "(default ${DEFAULT-VALUE}).")
  Duration failoverTimeout;

  @Option(names = "--zk-session-timeout", converter = DurationConverter.class, defaultValue = "10s",
      description = "The instances' ZooKeeper session timeout: how soon a standby takes over from a leader that died "
          + "(default ${DEFAULT-VALUE}).")
  Duration zkSessionTimeout;

  @Option(names = "--zk-secret-file", description = "A file holding user:password, the instances' ZooKeeper identity: "
      + "their nodes are then theirs to change, anyone's to read.")
  Path zkSecretFile;

  @Mixin
  ClientSecurityOptions security = new ClientSecurityOptions();

  @Option(names = "--tls-name", description = "With --security: the name of this instance's certificate <name>.pem "
      + "and key <name>-key.pem in --tls-dir, which its HTTPS API serves with (default: the framework's name; make "
      + "it with: corral certs issue <name> --host <its hosts>).")
  String tlsName;

  @Option(names = "--credentials", description = "With --security: file of 'principal secret' lines, who may call "
      + "the API with a secret (default: <conf dir>/credentials, if it exists; without it only certificates "
      + "authenticate).")
  Path credentials;

  @Option(names = "--acls", description = "With --security: the ACL file that says who may change what through "
      + "the API (default: <conf dir>/acls.json; required with --security).")
  Path acls;

  /**
   * The checked settings of a framework named {@code name} (whose HTTP port is {@code defaultHttpPort}
   * unless given); prints the advertised host's line on {@code out}, as the daemons do.
   *
   * @throws CliException (exit 2) for a value that cannot be
   */
  public FrameworkSettings settings(String name, int defaultHttpPort, PrintStream out) {
    Advertisement a;
    try {
      a = Advertisement.choose(host, advertiseHost, Machine.THIS);
    } catch (IllegalArgumentException e) {
      throw new CliException(ExitCodes.USAGE, e.getMessage());
    }
    out.println(a.line(host));
    a.warning(name + " instance").ifPresent(System.err::println);
    try {
      FrameworkSettings.Builder b = FrameworkSettings.builder(name, master).host(host, a.host())
          .httpPort(httpPort == null ? defaultHttpPort : httpPort).role(role).failoverTimeout(failoverTimeout)
          .zkSessionTimeout(zkSessionTimeout).credentials(security.credentials())
          .workDir(workDir != null ? workDir : FrameworkSettings.defaultWorkDir(name));
      if (frameworkName != null) {
        b.frameworkName(frameworkName);
      }
      if (zk != null) {
        b.zk(FrameworkSettings.zkUrl(zk, name));
      }
      if (security.enabled()) {
        apiSecurity(b, name);
      }
      if (zkSecretFile != null) {
        if (zk == null) {
          throw new CliException(ExitCodes.USAGE, "--zk-secret-file needs --zk");
        }
        b.zkDigest(ZkDigest.load(zkSecretFile));
      }
      return b.build();
    } catch (IllegalArgumentException | IOException e) {
      throw new CliException(ExitCodes.USAGE, e.getMessage());
    }
  }

  /**
   * HTTPS with the instance's certificate, callers authenticated by a client certificate of the
   * cluster's CA or a secret of the credentials file, and the ACL file (as the master's HTTP API).
   */
  private void apiSecurity(FrameworkSettings.Builder b, String name) throws IOException {
    Path conf = ConfDir.get();
    String certName = tlsName != null ? tlsName : name;
    TlsFiles tls = TlsFiles.inDir(security.tlsDir(), certName);
    if (!Files.exists(tls.cert())) {
      throw new IOException("security is on: the " + name + " API is served over HTTPS with " + tls.cert()
          + ", which does not exist (make it with: corral certs issue " + certName + " --host <this host>)");
    }
    tls.check();
    Path credentialsFile = credentials != null ? credentials : conf.resolve("credentials");
    Credentials creds = credentials == null && !Files.exists(credentialsFile)
        ? Credentials.NONE : Credentials.load(credentialsFile);
    Path aclFile = acls != null ? acls : conf.resolve("acls.json");
    if (!Files.exists(aclFile)) {
      throw new IOException("security is on but there is no ACL file " + aclFile
          + " (every change would be refused; see docs/security.md)");
    }
    String peer = AuthInterceptor.commonName(Pem.certificates(tls.cert()).get(0))
        .orElseThrow(() -> new IOException(tls.cert() + " names no principal (its subject has no CN)"));
    b.security(HttpSecurity.of(tls, creds), Acls.load(aclFile), peer);
  }
}
