package io.corral.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.corral.common.net.HostPort;
import io.corral.common.net.Machine;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code corral master} and {@code corral agent} advertise when started with their defaults, as
 * separate processes: an address other machines can reach (never 0.0.0.0), said at start-up, and
 * published on {@code /health}, in the state and in the agent's registration.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class AdvertisedAddressTest {
  private static final Duration START = Duration.ofSeconds(60);
  private final List<Process> processes = new CopyOnWriteArrayList<>();
  @TempDir Path dir;

  /** {@code corral <args>} in a JVM of its own, with this test's classpath. */
  private Daemon corral(String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
        CorralMain.class.getName()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).start();
    processes.add(p);
    return new Daemon(p, lines(p.getInputStream()), lines(p.getErrorStream()));
  }

  private static List<String> lines(InputStream in) {
    List<String> out = new CopyOnWriteArrayList<>();
    Thread t = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          out.add(line);
        }
      } catch (IOException e) {
        // ended
      }
    });
    t.setDaemon(true);
    t.start();
    return out;
  }

  private record Daemon(Process process, List<String> stdout, List<String> stderr) {
    Matcher awaitLine(String regex) {
      Pattern p = Pattern.compile(regex);
      return await().atMost(START).pollInterval(Duration.ofMillis(50))
          .until(() -> {
            if (!process.isAlive() && stdout.stream().noneMatch(l -> p.matcher(l).matches())) {
              throw new AssertionError("exited " + process.exitValue() + " before /" + regex + "/: " + stdout + stderr);
            }
            return stdout.stream().map(p::matcher).filter(Matcher::matches).findFirst();
          }, Optional::isPresent).get();
    }
  }

  @AfterEach
  void stop() throws InterruptedException {
    for (Process p : processes) {
      p.destroy();
    }
    for (Process p : processes) {
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
  }

  /** Whether this machine has an address other machines could reach it at (an up interface's, not loopback). */
  private static boolean hasNonLoopbackAddress() {
    return Machine.THIS.addresses().stream().map(Machine.InterfaceAddress::address)
        .anyMatch(a -> !a.isLoopbackAddress() && !a.isLinkLocalAddress());
  }

  /** A host as advertised: never a wildcard; with another address here, one of this host's, not loopback. */
  private static void assertReachable(String host) throws IOException {
    InetAddress[] resolved = InetAddress.getAllByName(host);
    assertThat(resolved).noneMatch(InetAddress::isAnyLocalAddress);
    if (hasNonLoopbackAddress()) {
      List<InetAddress> own = Machine.THIS.addresses().stream().map(Machine.InterfaceAddress::address).toList();
      assertThat(resolved).as(host).anyMatch(a -> !a.isLoopbackAddress() && own.contains(a));
    } else {
      assertThat(resolved).as(host).allMatch(InetAddress::isLoopbackAddress);
    }
  }

  private static JsonNode get(String url) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(url + ": " + r.body()).isEqualTo(200);
    return new ObjectMapper().readTree(r.body());
  }

  /**
   * The daemons of every case start at once (each is a JVM that takes a while to start), then each
   * case is checked.
   */
  @Test
  void defaultsAdvertiseAnAddressOtherMachinesReachWildcardsAreRefusedAndLoopbackIsWarnedAbout() throws Exception {
    Daemon master = corral("master", "--port", "0", "--work-dir", dir.resolve("master").toString());
    List<String> wildcards = List.of("0.0.0.0", "::");
    List<Daemon> refused = new ArrayList<>();
    for (String wildcard : wildcards) {
      refused.add(corral("master", "--port", "0", "--advertise-host", wildcard,
          "--work-dir", dir.resolve("refused").toString()));
    }
    Daemon loopback = corral("master", "--port", "0", "--host", "127.0.0.1", "--work-dir", dir.resolve("lo").toString());

    // Defaults: bound to every interface, advertising an address of this host that others reach.
    Matcher said = master.awaitLine("advertising (\\S+) \\((.+)\\); listening on (\\S+)");
    assertThat(said.group(3)).isEqualTo("0.0.0.0");
    HostPort address = HostPort.parse(master.awaitLine("master: (\\S+)").group(1));
    String http = master.awaitLine("http: (\\S+)").group(1);
    assertThat(address.host()).isEqualTo(said.group(1));
    assertReachable(address.host());
    assertThat(master.stderr()).noneMatch(l -> l.startsWith("warning: advertising"));
    String leaderUrl = get(http + "health").get("leader_http_url").asText();
    assertThat(leaderUrl).startsWith("http://" + bracketed(address.host()) + ":");
    assertThat(get(http + "api/v1/state").get("master").get("address").asText()).isEqualTo(address.toString());

    Daemon agent = corral("agent", "--master", address.toString(), "--port", "0", "--resources", "cpus:1;mem:256",
        "--isolation", "posix/cpu,posix/mem", "--no-switch-user", "--work-dir", dir.resolve("agent").toString());

    // A wildcard address to advertise: exit 2, one line.
    for (int i = 0; i < wildcards.size(); i++) {
      Daemon d = refused.get(i);
      assertThat(d.process().waitFor(START.toSeconds(), TimeUnit.SECONDS)).isTrue();
      assertThat(d.process().exitValue()).isEqualTo(2);
      await().atMost(Duration.ofSeconds(5)).until(() -> !d.stderr().isEmpty());
      assertThat(d.stderr()).hasSize(1);
      assertThat(d.stderr().get(0)).startsWith("corral master: cannot advertise '" + wildcards.get(i) + "'")
          .contains("give --advertise-host");
      assertThat(d.stdout()).noneMatch(l -> l.startsWith("master:"));
    }

    // Loopback: served, with a warning.
    assertThat(loopback.awaitLine("master: (\\S+)").group(1)).startsWith("127.0.0.1:");
    String warning = "warning: advertising 127.0.0.1, a loopback address: other machines cannot reach this master "
        + "(give --advertise-host the name or address they reach this host at)";
    await().atMost(Duration.ofSeconds(5)).until(() -> loopback.stderr().contains(warning));

    // The agent too, registered under the host it advertises.
    String agentHost = agent.awaitLine("advertising (\\S+) \\(.+\\); listening on 0\\.0\\.0\\.0").group(1);
    agent.awaitLine("agent: (\\S+) registered with (\\S+)");
    assertReachable(agentHost);
    JsonNode agents = get(http + "api/v1/agents");
    assertThat(agents).hasSize(1);
    assertThat(agents.get(0).get("hostname").asText()).isEqualTo(agentHost);
    assertThat(agents.get(0).get("http_url").asText()).startsWith("http://" + bracketed(agentHost) + ":");
  }

  private static String bracketed(String host) {
    return host.contains(":") ? "[" + host + "]" : host;
  }
}
