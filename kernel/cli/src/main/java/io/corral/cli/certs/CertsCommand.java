package io.corral.cli.certs;

import io.corral.certs.CertificateAuthority;
import io.corral.command.ConfDir;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code corral certs}: a CA and certificates for a test or small cluster. */
@Command(name = "certs", mixinStandardHelpOptions = true,
    description = "Make a CA and certificates for a test or small cluster (PEM, keys 0600).",
    subcommands = {CertsCommand.Init.class, CertsCommand.Issue.class})
public final class CertsCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    System.err.println("corral certs: give a subcommand: init or issue (corral certs --help)");
    return 2;
  }

  static Path dir(Path given) {
    return given != null ? given : ConfDir.get().resolve("tls");
  }

  static List<String> hosts(List<String> given) {
    Set<String> out = new LinkedHashSet<>(List.of("localhost", "127.0.0.1"));
    for (String h : given) {
      for (String part : h.split(",")) {
        if (!part.isBlank()) {
          out.add(part.trim());
        }
      }
    }
    return new ArrayList<>(out);
  }

  /** {@code corral certs init}. */
  @Command(name = "init", mixinStandardHelpOptions = true,
      description = "Make a new CA (ca.pem, ca-key.pem) and certificates master.pem and agent.pem (with their "
          + "-key.pem) valid for --host names, plus one per --principal, in --dir. Prints a line per file.")
  static final class Init implements Callable<Integer> {
    @Option(names = "--dir", description = "Where to write (default: <conf dir>/tls).")
    Path dir;

    @Option(names = "--host", description = "Host names or addresses the master and agents are reached at "
        + "(repeatable or comma-separated; localhost and 127.0.0.1 are always in).")
    List<String> hosts = new ArrayList<>();

    @Option(names = "--principal", description = "Also a client certificate for this principal (repeatable).")
    List<String> principals = new ArrayList<>();

    @Option(names = "--validity-days", description = "Days the certificates are valid (default ${DEFAULT-VALUE}).")
    int days = 365;

    @Option(names = "--force", description = "Replace an existing CA in --dir.")
    boolean force;

    @Override
    public Integer call() throws Exception {
      Path out = dir(dir);
      if (Files.exists(out.resolve("ca.pem")) && !force) {
        System.err.println("corral certs init: " + out.resolve("ca.pem") + " exists; use corral certs issue to add "
            + "certificates, or --force to start over (every certificate must then be replaced)");
        return 1;
      }
      for (String p : principals) {
        CertificateAuthority.checkName(p);
      }
      Duration validity = Duration.ofDays(days);
      CertificateAuthority ca = CertificateAuthority.create("corral-ca", validity);
      ca.save(out);
      System.out.println("ca: " + out.resolve("ca.pem"));
      List<String> names = hosts(hosts);
      for (String daemon : List.of("master", "agent")) {
        System.out.println(daemon + ": " + ca.issue(out, daemon, names, validity).cert());
      }
      for (String p : principals) {
        System.out.println("principal " + p + ": " + ca.issue(out, p, List.of(), validity).cert());
      }
      return 0;
    }
  }

  /** {@code corral certs issue <principal>}. */
  @Command(name = "issue", mixinStandardHelpOptions = true,
      description = "Issue a certificate <principal>.pem (and -key.pem) with the CA in --dir.")
  static final class Issue implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "<principal>", description = "The certificate's CN: the principal.")
    String principal;

    @Option(names = "--dir", description = "Where the CA is and the files go (default: <conf dir>/tls).")
    Path dir;

    @Option(names = "--host", description = "Host names or addresses, for a server certificate (repeatable).")
    List<String> hosts = new ArrayList<>();

    @Option(names = "--validity-days", description = "Days the certificate is valid (default ${DEFAULT-VALUE}).")
    int days = 365;

    @Override
    public Integer call() throws Exception {
      Path out = dir(dir);
      CertificateAuthority.checkName(principal);
      if (!Files.exists(out.resolve("ca-key.pem"))) {
        System.err.println("corral certs issue: no CA in " + out + " (make one with corral certs init)");
        return 1;
      }
      CertificateAuthority ca = CertificateAuthority.load(out);
      System.out.println("principal " + principal + ": "
          + ca.issue(out, principal, hosts.isEmpty() ? List.of() : hosts(hosts), Duration.ofDays(days)).cert());
      return 0;
    }
  }
}
