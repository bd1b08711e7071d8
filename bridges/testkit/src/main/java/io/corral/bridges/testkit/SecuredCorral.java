package io.corral.bridges.testkit;

import io.corral.certs.CertificateAuthority;
import io.corral.common.security.Credentials;
import io.corral.common.security.TlsFiles;
import io.corral.http.auth.Acls;
import io.corral.http.auth.DaemonSecurity;
import io.corral.master.MasterConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The files of a secured Corral cluster for a bridge's test, as an operator makes them: a CA
 * ({@code corral certs}), certificates for the master, the agents ("agent") and the clients
 * named, a credentials file of principals and secrets, each principal's secret in a file of its
 * own (what a client's {@code secret.file} setting names), and {@code acls.json}. The master
 * (in the test's JVM) and agent processes of a {@code LocalCluster} are secured with them:
 * {@link #master} and {@link #agentArgs}.
 */
public final class SecuredCorral {
  private final Path dir;
  private final Path tls;
  private final Path credentials;
  private final Path acls;

  private SecuredCorral(Path dir) {
    this.dir = dir;
    this.tls = dir.resolve("tls");
    this.credentials = dir.resolve("credentials");
    this.acls = dir.resolve("acls.json");
  }

  /**
   * Writes the files into {@code dir}.
   *
   * @param secrets principals that authenticate with a secret, and their secrets
   * @param certified principals that get a client certificate
   * @param aclsJson the ACLs ({@code register_agents} for "agent" is added if missing)
   */
  public static SecuredCorral create(Path dir, Map<String, String> secrets, List<String> certified, String aclsJson)
      throws IOException {
    SecuredCorral s = new SecuredCorral(dir.toAbsolutePath());
    Files.createDirectories(s.dir);
    CertificateAuthority ca = CertificateAuthority.create("test-ca", Duration.ofDays(1));
    ca.save(s.tls);
    List<String> hosts = hosts();
    for (String daemon : List.of("master", "agent")) {
      ca.issue(s.tls, daemon, hosts, Duration.ofDays(1));
    }
    for (String principal : certified) {
      ca.issue(s.tls, principal, List.of(), Duration.ofDays(1));
    }
    StringBuilder lines = new StringBuilder();
    for (Map.Entry<String, String> e : secrets.entrySet()) {
      lines.append(e.getKey()).append(' ').append(e.getValue()).append('\n');
      writePrivate(s.secretFile(e.getKey()), e.getValue() + "\n");
    }
    writePrivate(s.credentials, lines.toString());
    String json = aclsJson.contains("register_agents") ? aclsJson
        : aclsJson.replaceFirst("\\{", "{\n  \"register_agents\": [ {\"principals\": [\"agent\"]} ],");
    Files.writeString(s.acls, json);
    return s;
  }

  /** The names the daemons' certificates are valid for: this host's, and loopback. */
  private static List<String> hosts() throws IOException {
    Set<String> hosts = new LinkedHashSet<>(List.of("localhost", "127.0.0.1"));
    InetAddress local = InetAddress.getLocalHost();
    hosts.add(local.getHostName());
    hosts.add(local.getCanonicalHostName());
    hosts.add(local.getHostAddress());
    return new ArrayList<>(hosts);
  }

  private static void writePrivate(Path file, String content) throws IOException {
    Files.deleteIfExists(file);
    Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(file, content);
  }

  /** The file holding {@code principal}'s secret (for a client's {@code secret.file} setting). */
  public Path secretFile(String principal) {
    return dir.resolve(principal + ".secret");
  }

  /** A file holding a secret that is nobody's (a wrong secret). */
  public Path wrongSecretFile() throws IOException {
    Path f = dir.resolve("wrong.secret");
    if (!Files.exists(f)) {
      writePrivate(f, "not-the-secret\n");
    }
    return f;
  }

  /** The cluster's CA certificate (what a client trusts). */
  public Path ca() {
    return tls.resolve("ca.pem");
  }

  /** The certificate and key issued to {@code principal}, with the CA. */
  public TlsFiles client(String principal) {
    return TlsFiles.inDir(tls, principal);
  }

  /** Secures an in-process master. */
  public void master(MasterConfig.Builder m) {
    try {
      m.security(new DaemonSecurity(TlsFiles.inDir(tls, "master").check(), Credentials.load(credentials),
          Acls.load(acls)));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The flags that secure a {@code corral agent} process. */
  public List<String> agentArgs() {
    return List.of("--security", "--tls-dir", tls.toString(), "--credentials", credentials.toString(),
        "--acls", acls.toString());
  }
}
