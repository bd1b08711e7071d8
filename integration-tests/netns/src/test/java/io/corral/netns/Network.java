package io.corral.netns;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A network of {@link Host}s, each a network namespace joined to one Linux bridge by a veth pair,
 * with addresses in a /24 of 198.18.0.0/15 (the range set aside for network tests) that nothing
 * else on the machine uses. Partitions are routing rules: a blackhole rule in a host's namespace
 * drops what arrives from another host, silently, as a firewall's DROP would (the sender's
 * connection attempts time out; nothing tells it why), and a one-way partition is one such rule.
 *
 * <p>Links can be made slow and lossy: each host also has a VXLAN device ({@code vx0}) whose frames
 * all go through a {@link Relay} in the test JVM, which delays and drops them; {@link #shape} routes
 * the hosts' traffic to each other through it, {@link #unshape} back over the bridge. (The kernels
 * this runs on may lack netem, tc's delay and loss.) Routes on either path have an MTU of 1450, what
 * VXLAN leaves of the bridge's 1500, so that connections carry on when the path changes.
 *
 * <p>Everything is named after the JVM that made it ({@code crl-<pid>-<host>} namespaces,
 * {@code crl<pid>...} links), so a network whose JVM died (SIGKILL, a crash) is recognised and
 * removed, processes and all, when the next one is made; {@link #close} and a shutdown hook remove
 * this one.
 */
final class Network implements AutoCloseable {
  private static final Pattern OURS_NS = Pattern.compile("crl-(\\d+)-\\S+");
  private static final Pattern OURS_LINK = Pattern.compile("crl(\\d+)(br|v\\d+)");

  private final long pid = ProcessHandle.current().pid();
  private final String bridge = "crl" + pid + "br";
  private final String prefix;
  private final List<Host> hosts = new ArrayList<>();
  private final Map<Host, List<String>> names = new LinkedHashMap<>();
  private final String machineName = Command.check("hostname");
  private Relay relay;
  private final Set<List<String>> drops = new LinkedHashSet<>();
  private final Thread hook = new Thread(this::remove, "netns-cleanup");
  private boolean closed;

  private Network(String prefix) {
    this.prefix = prefix;
  }

  /**
   * Whether this machine can make such a network: root, {@code ip}, and a namespace that can be
   * made and removed; if not, why not.
   */
  static String unavailableReason() {
    Command version = Command.run("ip", "-V");
    if (!version.ok()) {
      return "no `ip` command (Debian: iproute2): " + version.output();
    }
    Command ethtool = Command.run("ethtool", "--version");
    if (!ethtool.ok()) {
      return "no `ethtool` command (Debian: ethtool): " + ethtool.output();
    }
    String probe = "crl-" + ProcessHandle.current().pid() + "-probe";
    Command add = Command.run("ip", "netns", "add", probe);
    if (!add.ok()) {
      return "cannot make a network namespace (`ip netns add` needs root): " + add.output();
    }
    Command.run("ip", "netns", "del", probe);
    return null;
  }

  /** A new network with only the bridge (its address .1 is the test JVM's on it). */
  static Network create() {
    removeLeftovers();
    Network n = new Network(freePrefix());
    Runtime.getRuntime().addShutdownHook(n.hook);
    try {
      Command.check("ip", "link", "add", n.bridge, "type", "bridge");
      Command.check("ip", "addr", "add", n.prefix + "1/24", "dev", n.bridge);
      Command.check("ip", "link", "set", n.bridge, "up");
      n.relay = new Relay(n.hostAddress());
    } catch (RuntimeException e) {
      n.close();
      throw e;
    }
    return n;
  }

  /** The test JVM's own address on the bridge. */
  String hostAddress() {
    return prefix + "1";
  }

  /** Adds a host: its namespace, a veth pair to the bridge, its address (.2, .3, ...). */
  synchronized Host add(String name) {
    return add(name, List.of());
  }

  /**
   * Adds a host known to every host by {@code name} and {@code aliases} (their {@code /etc/hosts}):
   * its namespace, a veth pair to the bridge, its address (.2, .3, ...).
   */
  synchronized Host add(String name, List<String> aliases) {
    int index = hosts.size();
    Host h = new Host(name, "crl-" + pid + "-" + name, prefix + (index + 2));
    String outside = "crl" + pid + "v" + index;
    String inside = "crl" + pid + "p" + index;
    Command.check("ip", "netns", "add", h.namespace());
    hosts.add(h);
    Command.check("ip", "link", "add", outside, "type", "veth", "peer", "name", inside);
    Command.check("ip", "link", "set", inside, "netns", h.namespace());
    Command.check("ip", "-n", h.namespace(), "link", "set", inside, "name", "eth0");
    Command.check("ip", "link", "set", outside, "master", bridge);
    Command.check("ip", "link", "set", outside, "up");
    Command.check("ip", "-n", h.namespace(), "addr", "add", h.address() + "/24", "dev", "eth0", "noprefixroute");
    Command.check("ip", "-n", h.namespace(), "link", "set", "eth0", "up");
    Command.check("ip", "-n", h.namespace(), "link", "set", "lo", "up");
    // Partition rules (preference 100) come before the local table (moved from 0 to 200), so that
    // they drop packets to this host's own addresses.
    Command.check("ip", "-n", h.namespace(), "rule", "add", "pref", "200", "lookup", "local");
    Command.check("ip", "-n", h.namespace(), "rule", "del", "pref", "0");
    Command.check("ip", "-n", h.namespace(), "route", "add", subnet(), "dev", "eth0", "src", h.address(), "mtu", "1450");
    // The relay (the test JVM's address) is always reached over the bridge; the others through vx0 when shaped.
    Command.check("ip", "-n", h.namespace(), "route", "add", hostAddress() + "/32", "dev", "eth0", "src", h.address());
    Command.check("ip", "-n", h.namespace(), "link", "add", "vx0", "type", "vxlan", "id", "42", "remote",
        hostAddress(), "local", h.address(), "dstport", Integer.toString(Relay.PORT), "dev", "eth0");
    // Checksums computed before encapsulation: the relay is a local socket, so no device computes them after.
    Command.check("ip", "netns", "exec", h.namespace(), "ethtool", "-K", "vx0", "tx", "off");
    Command.check("ip", "-n", h.namespace(), "link", "set", "vx0", "up");
    relay.addHost(h.address());
    names.put(h, List.copyOf(aliases));
    writeHostsFiles();
    return h;
  }

  /**
   * Every host's {@code /etc/hosts} and {@code /etc/resolv.conf} ({@code ip netns exec} mounts
   * {@code /etc/netns/<namespace>/*} over them): each host by its name and aliases, and this machine's own name as the host itself, as a
   * machine's resolver answers. Rewritten in place, so processes already running see hosts added later.
   */
  private void writeHostsFiles() {
    StringBuilder all = new StringBuilder("127.0.0.1 localhost\n");
    names.forEach((h, aliases) -> all.append(h.address()).append(' ').append(h.name())
        .append(aliases.isEmpty() ? "" : " " + String.join(" ", aliases)).append('\n'));
    for (Host h : hosts) {
      Path file = etcDir(h.namespace()).resolve("hosts");
      try {
        Files.createDirectories(file.getParent());
        Files.writeString(file, all + h.address() + " " + machineName + "\n");
        // No DNS server on this network: a name not in /etc/hosts fails at once (nothing listens on
        // 127.0.0.1:53) rather than after the machine's resolver times out on a server it cannot reach.
        Files.writeString(file.resolveSibling("resolv.conf"), "nameserver 127.0.0.1\noptions timeout:1 attempts:1\n");
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write " + file, e);
      }
    }
  }

  private static Path etcDir(String namespace) {
    return Path.of("/etc/netns", namespace);
  }

  synchronized List<Host> hosts() {
    return List.copyOf(hosts);
  }

  /**
   * From now on every packet between hosts is delayed by {@code delay} and lost with probability
   * {@code loss}, each way ({@code netem delay 200ms loss 5%} on every host's link).
   */
  synchronized void shape(java.time.Duration delay, double loss) {
    relay.shape(delay, loss);
    for (Host h : hosts) {
      Command.check("ip", "-n", h.namespace(), "route", "replace", subnet(), "dev", "vx0", "src", h.address(), "mtu", "1450");
    }
  }

  /** Packets between hosts go straight over the bridge again. */
  synchronized void unshape() {
    for (Host h : hosts) {
      Command.check("ip", "-n", h.namespace(), "route", "replace", subnet(), "dev", "eth0", "src", h.address(), "mtu", "1450");
    }
    relay.shape(java.time.Duration.ZERO, 0);
  }

  /** How many frames the relay forwarded and dropped: "forwarded 1234, dropped 61". */
  String relayCounts() {
    return "forwarded " + relay.forwarded.get() + ", dropped " + relay.dropped.get();
  }

  private String subnet() {
    return prefix + "0/24";
  }

  /** From now on, whatever {@code from} sends to {@code to} is dropped (a one-way partition). */
  synchronized void drop(Host from, Host to) {
    List<String> rule = List.of(to.namespace(), from.address());
    if (drops.add(rule)) {
      Command.check("ip", "-n", to.namespace(), "rule", "add", "from", from.address(), "blackhole", "pref", "100");
    }
  }

  /** Cuts {@code a} and {@code b} apart both ways. */
  void cut(Host a, Host b) {
    drop(a, b);
    drop(b, a);
  }

  /** Cuts {@code h} off from every one of {@code others}, both ways. */
  void isolate(Host h, List<Host> others) {
    for (Host o : others) {
      if (!o.equals(h)) {
        cut(h, o);
      }
    }
  }

  /** Ends every partition. */
  synchronized void heal() {
    for (List<String> rule : drops) {
      Command.check("ip", "-n", rule.get(0), "rule", "del", "from", rule.get(1), "blackhole", "pref", "100");
    }
    drops.clear();
  }

  /** The partitions in force, for failure messages. */
  synchronized String describeDrops() {
    return drops.isEmpty() ? "none" : drops.stream().map(r -> r.get(0) + " drops what " + r.get(1) + " sends").toList().toString();
  }

  @Override
  public void close() {
    remove();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // already shutting down: the hook runs remove() again, which does nothing
    }
  }

  private synchronized void remove() {
    if (closed) {
      return;
    }
    closed = true;
    for (Host h : hosts) {
      removeNamespace(h.namespace());
    }
    Command.run("ip", "link", "del", bridge);
    if (relay != null) {
      relay.close();
    }
  }

  /** Kills whatever still runs in {@code namespace} and removes it (and so its end of the veth pair). */
  private static void removeNamespace(String namespace) {
    for (String pid : Command.run("ip", "netns", "pids", namespace).output().split("\\s+")) {
      if (pid.matches("\\d+")) {
        ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
      }
    }
    Command.run("ip", "netns", "del", namespace);
    Path etc = etcDir(namespace);
    if (Files.isDirectory(etc)) {
      try (Stream<Path> files = Files.walk(etc)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        System.out.println("cannot remove " + etc + ": " + e.getMessage());
      }
    }
  }

  /** Removes the namespaces and links of networks whose JVM is gone. */
  static void removeLeftovers() {
    for (String line : Command.run("ip", "netns", "list").output().split("\n")) {
      String name = line.split(" ")[0];
      Matcher m = OURS_NS.matcher(name);
      if (m.matches() && ProcessHandle.of(Long.parseLong(m.group(1))).isEmpty()) {
        System.out.println("removing the namespace " + name + " left by an earlier run");
        removeNamespace(name);
      }
    }
    for (String line : Command.run("ip", "-o", "link", "show").output().split("\n")) {
      String[] fields = line.split(":\\s+");
      if (fields.length < 2) {
        continue;
      }
      String name = fields[1].split("@")[0];
      Matcher m = OURS_LINK.matcher(name);
      if (m.matches() && ProcessHandle.of(Long.parseLong(m.group(1))).isEmpty()) {
        System.out.println("removing the link " + name + " left by an earlier run");
        Command.run("ip", "link", "del", name);
      }
    }
  }

  /** "198.18.N." for the first N whose /24 no address of this machine is in. */
  private static String freePrefix() {
    String addresses = Command.check("ip", "-o", "-4", "addr", "show");
    for (int hi = 18; hi <= 19; hi++) {
      for (int n = 0; n < 256; n++) {
        String prefix = "198." + hi + "." + n + ".";
        if (!addresses.contains(" " + prefix)) {
          return prefix;
        }
      }
    }
    throw new IllegalStateException("every /24 of 198.18.0.0/15 is in use on this machine");
  }
}
