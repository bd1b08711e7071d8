package io.corral.netns;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Command lines run with {@code bash} on the machines of a {@link MultiHostCluster}, as a user
 * types them there: each in its machine's working directory (the distribution's entries linked
 * into a directory of its own, so that what a command writes, such as the Hadoop bundle's
 * {@code bundle/}, stays on that machine). Each command's stdout is kept, its stderr goes to a log
 * of its own ({@code <prefix>-<n>-<machine>.log}); {@link #close} ends those still running and
 * writes each one's stdout beside its log.
 */
final class HostShell implements AutoCloseable {
  private final MultiHostCluster cluster;
  private final String prefix;
  private final List<Daemon> started = new ArrayList<>();

  /** {@code prefix} names the commands' logs ({@code step}, {@code pool}). */
  HostShell(MultiHostCluster cluster, String prefix) {
    this.cluster = cluster;
    this.prefix = prefix;
  }

  /** {@code command} started on {@code host}; its stderr in a log of its own. */
  Daemon start(Host host, String command) throws IOException {
    Path home = home(cluster, host);
    synchronized (started) {
      int n = started.size() + 1;
      Path log = cluster.dir.resolve(prefix + "-" + n + "-" + host.name() + ".log");
      Map<String, String> env = Map.of("JAVA_HOME", System.getProperty("java.home"),
          "CORRAL_HEAP_OPTS", "-Xmx256m", "CORRAL_JAVA_OPTS", "-XX:+UseSerialGC -XX:TieredStopAtLevel=1",
          "CORRAL_LOG_DIR", cluster.dir.resolve(prefix + "-" + n + "-logs").toString());
      Daemon d = Daemon.start(prefix + " " + n + " (" + command + ")", host,
          List.of("bash", "-c", "cd " + home + " && " + command), env, log);
      started.add(d);
      return d;
    }
  }

  /** Runs {@code command} on {@code host} to its end; returns its stdout, having checked that it exited 0. */
  String run(Host host, String command, Duration within) throws Exception {
    long start = System.nanoTime();
    Daemon d = start(host, command);
    int rc = d.awaitExit(within);
    System.out.printf("%s: %.1f s on %s: %s%n", prefix, (System.nanoTime() - start) / 1e9, host.name(), command);
    assertThat(rc).as("`%s` on %s exited %d\n%s", command, host, rc, d.describe()).isZero();
    return String.join("\n", d.stdout());
  }

  /**
   * A machine's working directory: the distribution's entries linked into a directory of its own,
   * made on first use (several test classes share it).
   */
  static Path home(MultiHostCluster cluster, Host host) throws IOException {
    Path home = cluster.dir.resolve(host.name() + "-home");
    synchronized (HostShell.class) {
      if (!Files.isDirectory(home)) {
        Files.createDirectories(home);
        try (Stream<Path> entries = Files.list(cluster.dist)) {
          for (Path e : entries.toList()) {
            Files.createSymbolicLink(home.resolve(e.getFileName()), e);
          }
        }
      }
    }
    return home;
  }

  /** Each command's state, stdout and log tail: for failure messages. */
  String describe() {
    StringBuilder b = new StringBuilder();
    synchronized (started) {
      started.forEach(c -> b.append(c.describe()));
    }
    return b.toString();
  }

  /** Ends the commands still running (SIGTERM, then SIGKILL), keeping each one's stdout beside its log. */
  @Override
  public void close() throws IOException {
    List<Daemon> all;
    synchronized (started) {
      all = List.copyOf(started);
    }
    for (int i = 0; i < all.size(); i++) {
      Daemon c = all.get(i);
      c.close();
      Files.write(cluster.dir.resolve(prefix + "-" + (i + 1) + "-" + c.host().name() + ".out"), c.stdout());
    }
  }
}
