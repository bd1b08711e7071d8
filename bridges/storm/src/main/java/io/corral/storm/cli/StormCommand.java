package io.corral.storm.cli;

import io.corral.command.CorralSubcommand;
import io.corral.command.DurationConverter;
import io.corral.common.detect.ZkUrl;
import io.corral.common.net.HostPort;
import java.io.File;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code corral storm ...}: Storm on Corral, a subcommand the Storm bridge adds to {@code corral}
 * (the distribution puts this jar in {@code lib/}; the shaded jar leaves this package out).
 */
@Command(name = "storm", mixinStandardHelpOptions = true, description = "Storm topologies on Corral.",
    subcommands = {StormCommand.NimbusCommand.class})
public final class StormCommand implements Runnable, CorralSubcommand {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public String listedAfter() {
    return "spark";
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /**
   * {@code corral storm nimbus --master M --zk Z [--nimbus-port P] ...}: a Storm Nimbus whose
   * INimbus is a Corral framework, in a JVM of its own (Storm's jars, not Corral's, on its
   * classpath); runs until stopped.
   */
  @Command(name = "nimbus", mixinStandardHelpOptions = true,
      description = {"Run a Storm Nimbus whose slots come from Corral: Supervisors are launched as Corral executors",
          "when topologies need workers, and retired when idle. Prints 'nimbus: <host>:<port>' once it serves",
          "Thrift; submit topologies with nimbus.seeds=[<host>] and nimbus.thrift.port=<port>. Runs until stopped;",
          "a restarted Nimbus takes its Supervisors back (its framework id is kept in ZooKeeper)."})
  public static final class NimbusCommand implements Callable<Integer> {
    @Option(names = "--master", required = true, description = "The Corral master: host:port or zk://host:port/path (default: master= in corral.properties, or $CORRAL_MASTER).")
    String master;

    @Option(names = "--zk", required = true,
        description = "Storm's ZooKeeper: host:port[,host:port...][/root] or zk://... (root default /storm).")
    String zk;

    @Option(names = "--nimbus-port", defaultValue = "6627", description = "Nimbus's Thrift port (default ${DEFAULT-VALUE}).")
    int nimbusPort;

    @Option(names = "--host", description = "The name or address Supervisors and submitters reach this Nimbus at, "
        + "its nimbus.seeds (Nimbus listens on every interface; default: this host's name when it resolves to a "
        + "non-loopback address of this host, else its first non-loopback address, as corral master chooses).")
    String host;

    @Option(names = "--storm-home", description = "Storm's home (lib/, lib-worker/, conf/, log4j2/) for the Nimbus, and "
        + "for the Supervisors at the same path unless --storm-uri (default: this installation's bridges/storm/storm-home).")
    Path stormHome;

    @Option(names = "--nimbus-lib", description = "More jars for the Nimbus only, such as RocksDB for its metrics store "
        + "(default: nimbus-lib/ beside the Storm home, if there is one).")
    Path nimbusLib;

    @Option(names = "--storm-uri", description = "Supervisor bundle: an archive of a Storm home on HDFS, HTTP or a path, "
        + "fetched (and cached) by each agent, e.g. what 'corral bundle push' uploaded.")
    String stormUri;

    @Option(names = "--bridge-jar", description = "corral-storm.jar (default: this installation's "
        + "bridges/storm/corral-storm.jar); agents fetch it from here unless --bridge-uri.")
    Path bridgeJar;

    @Option(names = "--bridge-uri", description = "Where agents fetch corral-storm.jar from (HDFS, HTTP or a path).")
    String bridgeUri;

    @Option(names = "--supervisor-idle-timeout", converter = DurationConverter.class, defaultValue = "2min",
        description = "How long a Supervisor with no worker is kept for the next topology (default ${DEFAULT-VALUE}).")
    Duration idleTimeout;

    @Option(names = "--failover-timeout", converter = DurationConverter.class, defaultValue = "7d",
        description = "How long running topologies are kept while no Nimbus is connected (default ${DEFAULT-VALUE}).")
    Duration failoverTimeout;

    @Option(names = "--role", defaultValue = "", description = "The role Supervisors are offered under.")
    String role;

    @Option(names = "--name", defaultValue = "storm", description = "The framework's name (default ${DEFAULT-VALUE}).")
    String name;

    @Option(names = "--work-dir", defaultValue = "storm-nimbus",
        description = "Nimbus's local state (storm.local.dir) and logs (default ./${DEFAULT-VALUE}).")
    Path workDir;

    @Option(names = "--conf", description = "A storm.yaml with more settings for the Nimbus and every Supervisor.")
    Path conf;

    @Option(names = {"-c"}, paramLabel = "KEY=VALUE",
        description = "A Storm setting (value in YAML/JSON, as with 'storm -c'); repeatable.")
    List<String> settings = new ArrayList<>();

    @Option(names = "--heap", defaultValue = "1g", description = "Nimbus's heap (default ${DEFAULT-VALUE}).")
    String heap;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      Path home = stormHome != null ? stormHome : installed("storm-home");
      Path jar = bridgeJar != null ? bridgeJar : installed("corral-storm.jar");
      if (!Files.isDirectory(home.resolve("lib"))) {
        throw bad("--storm-home " + home + " has no lib/ directory: not a Storm home");
      }
      if (!Files.isRegularFile(jar)) {
        throw bad("no bridge jar at " + jar + ": give --bridge-jar");
      }
      if (conf != null && !Files.isRegularFile(conf)) {
        throw bad("--conf " + conf + ": no such file");
      }
      if (!heap.matches("\\d+[kKmMgG]")) {
        throw bad("--heap " + heap + ": expected a JVM heap size such as 512m or 2g");
      }
      Map<String, String> options;
      try {
        options = stormOptions(home.toAbsolutePath(), jar.toAbsolutePath());
      } catch (IllegalArgumentException e) {
        throw bad(e.getMessage());
      }
      Path work = workDir.toAbsolutePath();
      Files.createDirectories(work.resolve("logs"));
      List<String> cmd = new ArrayList<>();
      cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      cmd.add("-Xmx" + heap);
      Path extra = nimbusLib != null ? nimbusLib : home.toAbsolutePath().resolveSibling("nimbus-lib");
      if (nimbusLib != null && !Files.isDirectory(nimbusLib)) {
        throw bad("--nimbus-lib " + nimbusLib + ": no such directory");
      }
      cmd.add("-cp");
      cmd.add(jar.toAbsolutePath() + File.pathSeparator + home.toAbsolutePath().resolve("lib") + File.separator + "*"
          + (Files.isDirectory(extra) ? File.pathSeparator + extra.toAbsolutePath() + File.separator + "*" : "")
          + File.pathSeparator + home.toAbsolutePath().resolve("conf"));
      cmd.add("-Dstorm.home=" + home.toAbsolutePath());
      cmd.add("-Dstorm.log.dir=" + work.resolve("logs"));
      cmd.add("-Dlog4j.configurationFile=" + home.toAbsolutePath().resolve("log4j2").resolve("cluster.xml"));
      if (conf != null) {
        cmd.add("-Dstorm.conf.file=" + conf.toAbsolutePath());
      }
      cmd.add("-Dstorm.options=" + encode(options));
      cmd.add("io.corral.storm.CorralNimbus");
      Process nimbus = new ProcessBuilder(cmd).directory(work.toFile()).inheritIO().start();
      Thread stop = new Thread(() -> {
        nimbus.destroy();
        try {
          nimbus.waitFor();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, "corral-storm-nimbus-stop");
      Runtime.getRuntime().addShutdownHook(stop);
      int rc = nimbus.waitFor();
      try {
        Runtime.getRuntime().removeShutdownHook(stop);
      } catch (IllegalStateException e) {
        // shutting down already
      }
      return rc;
    }

    /** The Nimbus's settings, as Storm's {@code storm.options}: values in JSON, user's -c last. */
    Map<String, String> stormOptions(Path home, Path jar) throws java.net.UnknownHostException {
      try {
        if (master.startsWith("zk://")) {
          ZkUrl.parse(master);
        } else {
          HostPort.parse(master);
        }
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--master " + master + ": " + e.getMessage());
      }
      ZkUrl z;
      try {
        z = ZkUrl.parse(zk.startsWith("zk://") || zk.contains("/") ? zk : zk + "/storm");
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--zk " + zk + ": " + e.getMessage());
      }
      List<String> hosts = new ArrayList<>();
      Integer port = null;
      for (String hp : z.connectString().split(",")) {
        HostPort h = HostPort.parse(hp);
        if (port != null && port != h.port()) {
          throw new IllegalArgumentException("--zk " + zk + ": Storm needs one port for all ZooKeeper servers "
              + "(storm.zookeeper.port)");
        }
        port = h.port();
        hosts.add(h.host());
      }
      // Storm's Thrift server listens on every interface: what is told is chosen as the daemons choose theirs.
      String advertised = io.corral.common.net.Advertisement.choose("0.0.0.0", host, io.corral.common.net.Machine.THIS)
          .host();
      Map<String, String> o = new LinkedHashMap<>();
      o.put("storm.corral.master", json(master));
      o.put("storm.zookeeper.servers", jsonList(hosts));
      o.put("storm.zookeeper.port", Integer.toString(port));
      o.put("storm.zookeeper.root", json(z.path()));
      o.put("nimbus.thrift.port", Integer.toString(nimbusPort));
      o.put("nimbus.seeds", jsonList(List.of(advertised)));
      o.put("storm.local.hostname", json(advertised));
      o.put("storm.local.dir", json(workDir.toAbsolutePath().resolve("storm-local").toString()));
      // Nimbus's metrics store (RocksDB): in the work directory, not in the Storm home.
      o.put("storm.metricstore.rocksdb.location", json(workDir.toAbsolutePath().resolve("storm_rocks").toString()));
      o.put("storm.corral.supervisor.idle.timeout.secs", Double.toString(idleTimeout.toMillis() / 1000.0));
      o.put("storm.corral.failover.timeout.secs", Double.toString(failoverTimeout.toMillis() / 1000.0));
      o.put("storm.corral.framework.name", json(name));
      if (!role.isEmpty()) {
        o.put("storm.corral.role", json(role));
      }
      if (stormUri != null) {
        o.put("storm.corral.supervisor.uri", json(stormUri));
      } else {
        o.put("storm.corral.supervisor.storm.home", json(home.toString()));
      }
      o.put("storm.corral.bridge.uri", json(bridgeUri != null ? bridgeUri : jar.toString()));
      for (String kv : settings) {
        int eq = kv.indexOf('=');
        if (eq <= 0 || !kv.substring(0, eq).matches("[A-Za-z0-9_.\\-]+")) {
          throw new IllegalArgumentException("-c " + kv + ": expected KEY=VALUE with a Storm setting name");
        }
        o.put(kv.substring(0, eq), kv.substring(eq + 1));
      }
      return o;
    }

    private Path installed(String name) {
      return Path.of(System.getProperty("corral.home", "."), "bridges", "storm", name).toAbsolutePath();
    }

    private CommandLine.ParameterException bad(String message) {
      return new CommandLine.ParameterException(spec.commandLine(), message);
    }

    /** Storm's storm.options: key=value pairs, each URL-encoded, joined by commas (what bin/storm passes). */
    static String encode(Map<String, String> options) {
      StringBuilder sb = new StringBuilder();
      options.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ",")
          .append(URLEncoder.encode(k + "=" + v, StandardCharsets.UTF_8).replace("+", "%20")));
      return sb.toString();
    }

    static String jsonList(List<String> values) {
      StringBuilder sb = new StringBuilder("[");
      for (String v : values) {
        sb.append(sb.length() > 1 ? "," : "").append(json(v));
      }
      return sb.append(']').toString();
    }

    static String json(String s) {
      StringBuilder sb = new StringBuilder("\"");
      for (char c : s.toCharArray()) {
        if (c == '"' || c == '\\') {
          sb.append('\\').append(c);
        } else if (c < 0x20) {
          sb.append(String.format("\\u%04x", (int) c));
        } else {
          sb.append(c);
        }
      }
      return sb.append('"').toString();
    }
  }
}
