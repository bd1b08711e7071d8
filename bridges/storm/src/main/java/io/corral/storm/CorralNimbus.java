package io.corral.storm;

import io.corral.bridges.common.Drivers;
import io.corral.bridges.common.FrameworkActor;
import io.corral.common.security.ClientCredentials;
import io.corral.protocol.FrameworkInfo;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.storm.daemon.nimbus.Nimbus;
import org.apache.storm.utils.ConfigUtils;
import org.apache.storm.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Storm Nimbus whose {@code INimbus} is a Corral framework: the JVM {@code corral storm nimbus}
 * starts (classpath: corral-storm.jar and Storm's {@code lib/}; settings: the {@code storm.yaml}
 * named by {@code -Dstorm.conf.file}, with {@value StormSettings#MASTER} and the other
 * {@code storm.corral.*} settings). Prints {@code nimbus: <host>:<port>} once it serves Thrift.
 */
public final class CorralNimbus {
  private static final Logger LOG = LoggerFactory.getLogger(CorralNimbus.class);
  /** Settings that differ per Supervisor (or are only the Nimbus's): not handed to Supervisors. */
  private static final List<String> NOT_FOR_SUPERVISORS = List.of("storm.local.dir", "storm.local.hostname",
      "storm.log.dir", "supervisor.thrift.port", "supervisor.slots.ports");

  private CorralNimbus() {}

  /**
   * Storm settings this Nimbus changes unless the user set them: Supervisors appear on demand, so
   * Nimbus looks for them every 2 s (Storm: 10); and a Supervisor whose slots the bridge takes
   * back (retired, or its task ended) must not get its host blacklisted by Storm's
   * {@code BlacklistScheduler}, which takes missing slots for a failing machine.
   */
  static final Map<String, Object> DEFAULTS = Map.of("nimbus.monitor.freq.secs", 2L,
      "blacklist.scheduler.assume.supervisor.bad.based.on.bad.slot", false);

  public static void main(String[] args) throws Exception {
    Map<String, Object> user = userSettings();
    applyDefaults(user);
    Utils.setupDefaultUncaughtExceptionHandler();
    Map<String, Object> conf = ConfigUtils.readStormConfig();
    String master = StormSettings.string(conf, StormSettings.MASTER, "");
    if (master.isEmpty()) {
      System.err.println("error: " + StormSettings.MASTER + " is not set: which Corral master should the Nimbus use?");
      System.exit(2);
    }
    String host = advertisedHost(conf);
    int port = (int) StormSettings.number(conf, "nimbus.thrift.port", 6627);
    String root = StormSettings.string(conf, StormSettings.STORM_ZOOKEEPER_ROOT, "/storm");
    ZkFrameworkId ids = new ZkFrameworkId(zkConnectString(conf), root);
    StormFramework framework;
    try {
      framework = framework(conf, user, master, host, port, ids);
      framework.start(30);
    } catch (IllegalArgumentException | IllegalStateException e) {
      LOG.error("{}", e.getMessage());
      System.err.println("error: " + e.getMessage());
      ids.close();
      System.exit(1);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      framework.close(); // failover, not teardown: running topologies keep their Supervisors
      ids.close();
    }, "corral-storm-shutdown"));
    announceWhenServing(host, port);
    RoundWithheld round = new RoundWithheld();
    Nimbus.launch(new CorralINimbus(framework,
        new DemandScheduler(DemandScheduler.configured(conf), conf, round, framework::observe), round));
  }

  /** The settings the user gave the Nimbus: its {@code storm.yaml} (storm.conf.file), then storm.options. */
  private static Map<String, Object> userSettings() {
    Map<String, Object> user = new LinkedHashMap<>();
    String file = System.getProperty("storm.conf.file", "");
    if (!file.isEmpty()) {
      user.putAll(Utils.findAndReadConfigFile(file, true));
    }
    user.putAll(Utils.readCommandLineOpts());
    return user;
  }

  /**
   * Adds the {@link #DEFAULTS} the user did not set to storm.options (where Nimbus reads them),
   * and to {@code user}, which stands for storm.yaml and storm.options from then on.
   */
  private static void applyDefaults(Map<String, Object> user) {
    StringBuilder options = new StringBuilder(System.getProperty("storm.options", ""));
    DEFAULTS.forEach((k, v) -> {
      if (!user.containsKey(k)) {
        options.append(options.length() == 0 ? "" : ",").append(k).append('=').append(v);
        user.put(k, v); // as Storm reads the option back (JSON)
      }
    });
    System.setProperty("storm.options", options.toString());
  }

  static StormFramework framework(Map<String, Object> conf, Map<String, Object> user, String master, String host,
      int port, ZkFrameworkId ids) {
    double idleSecs = Math.max(0, StormSettings.number(conf, StormSettings.SUPERVISOR_IDLE_TIMEOUT_SECS, 120));
    SupervisorFleet.Sizing sizing = new SupervisorFleet.Sizing(StormSettings.number(conf, StormSettings.SUPERVISOR_CPUS,
        0.2), StormSettings.number(conf, StormSettings.SUPERVISOR_MEM_MB, 384), Duration.ofMillis((long) (idleSecs * 1000)));
    String stormHome = StormSettings.string(conf, StormSettings.SUPERVISOR_STORM_HOME,
        System.getProperty("storm.home", ""));
    String stormUri = StormSettings.string(conf, StormSettings.SUPERVISOR_URI, "");
    if (stormUri.isEmpty() && stormHome.isEmpty()) {
      throw new IllegalArgumentException("set " + StormSettings.SUPERVISOR_URI + " or "
          + StormSettings.SUPERVISOR_STORM_HOME + ": where do agents find Storm?");
    }
    String bridge = StormSettings.string(conf, StormSettings.BRIDGE_URI, codeSource(CorralNimbus.class));
    List<String> jvm = new ArrayList<>();
    for (String o : StormSettings.string(conf, "supervisor.childopts", "-Xmx256m").split("\\s+")) {
      if (!o.isBlank()) {
        jvm.add(o);
      }
    }
    SupervisorCommand command = new SupervisorCommand(stormUri, stormHome, bridge, jvm);
    FrameworkInfo.Builder info = FrameworkInfo.newBuilder()
        .setName(StormSettings.string(conf, StormSettings.FRAMEWORK_NAME, "storm"))
        .setFailoverTimeout(StormSettings.number(conf, StormSettings.FAILOVER_TIMEOUT_SECS, 7 * 24 * 3600))
        .setCheckpoint(true).setHostname(host)
        .putLabels("storm.version", org.apache.storm.utils.VersionInfo.getVersion())
        .putLabels("storm.nimbus", host + ":" + port);
    String role = StormSettings.string(conf, StormSettings.ROLE, "");
    if (!role.isEmpty()) {
      info.setRole(role);
    }
    ClientCredentials credentials;
    try {
      credentials = StormSettings.credentials(conf);
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("Corral credentials: " + e.getMessage(), e);
    }
    FrameworkActor actor = FrameworkActor.threaded("corral-storm-framework", Drivers.corral(master, credentials));
    return new StormFramework(actor, info.build(), master, ids, sizing, command, supervisorSettings(conf, user, host));
  }

  /**
   * What every Supervisor (and its workers) gets: the settings the user gave the Nimbus (its
   * {@code storm.yaml} and {@code -c} options), less the per-host ones and the bridge's own, with
   * {@code nimbus.seeds} pointing at this Nimbus if it was not set.
   */
  static Map<String, Object> supervisorSettings(Map<String, Object> conf, Map<String, Object> user, String host) {
    Map<String, Object> out = new LinkedHashMap<>();
    user.forEach((k, v) -> {
      if (!k.startsWith("storm.corral.") && !NOT_FOR_SUPERVISORS.contains(k)) {
        out.put(k, v);
      }
    });
    out.putIfAbsent("nimbus.seeds", List.of(host));
    out.putIfAbsent("nimbus.thrift.port", conf.get("nimbus.thrift.port"));
    out.putIfAbsent("storm.zookeeper.servers", conf.get("storm.zookeeper.servers"));
    out.putIfAbsent("storm.zookeeper.port", conf.get("storm.zookeeper.port"));
    out.putIfAbsent("storm.zookeeper.root", conf.get("storm.zookeeper.root"));
    return out;
  }

  /** The host Supervisors and submitters reach this Nimbus at: {@code storm.local.hostname}, else this host's name. */
  static String advertisedHost(Map<String, Object> conf) throws java.net.UnknownHostException {
    String h = StormSettings.string(conf, "storm.local.hostname", "");
    return h.isEmpty() ? Utils.localHostname() : h;
  }

  /** {@code storm.zookeeper.servers} and {@code storm.zookeeper.port} as a ZooKeeper connect string. */
  @SuppressWarnings("unchecked")
  static String zkConnectString(Map<String, Object> conf) {
    Object servers = conf.get("storm.zookeeper.servers");
    int port = (int) StormSettings.number(conf, "storm.zookeeper.port", 2181);
    if (!(servers instanceof List<?> list) || list.isEmpty()) {
      throw new IllegalArgumentException("storm.zookeeper.servers is not set");
    }
    StringBuilder sb = new StringBuilder();
    for (Object s : (List<Object>) list) {
      sb.append(sb.length() == 0 ? "" : ",").append(s).append(':').append(port);
    }
    return sb.toString();
  }

  /** Prints {@code nimbus: host:port} once Nimbus accepts connections on its Thrift port. */
  private static void announceWhenServing(String host, int port) {
    Thread t = new Thread(() -> {
      long deadline = System.nanoTime() + 600_000_000_000L;
      while (System.nanoTime() < deadline) {
        try (Socket s = new Socket()) {
          s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
          System.out.println("nimbus: " + host + ":" + port);
          System.out.flush();
          LOG.info("Nimbus serves Thrift on {}:{}", host, port);
          return;
        } catch (java.io.IOException e) {
          try {
            Thread.sleep(100);
          } catch (InterruptedException ie) {
            return;
          }
        }
      }
    }, "corral-storm-announce");
    t.setDaemon(true);
    t.start();
  }

  static String codeSource(Class<?> c) {
    try {
      return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    } catch (Exception e) {
      throw new IllegalStateException("cannot tell where " + c.getName() + " was loaded from", e);
    }
  }
}
