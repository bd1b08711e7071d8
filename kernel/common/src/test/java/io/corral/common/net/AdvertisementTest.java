package io.corral.common.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The advertised host, decided from what a machine has (given here, never this machine's). */
class AdvertisementTest {
  /** A machine with a name, a table of what names resolve to, and its interfaces' addresses. */
  private record FakeMachine(String hostname, Map<String, List<String>> dns, List<Machine.InterfaceAddress> addresses)
      implements Machine {
    @Override
    public Optional<String> name() {
      return Optional.ofNullable(hostname);
    }

    @Override
    public List<InetAddress> resolve(String host) {
      return dns.getOrDefault(host, List.of()).stream().map(AdvertisementTest::ip).toList();
    }
  }

  private static InetAddress ip(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  private static Machine.InterfaceAddress on(String iface, String literal) {
    return new Machine.InterfaceAddress(iface, ip(literal));
  }

  private static final List<Machine.InterfaceAddress> LO = List.of(on("lo", "127.0.0.1"), on("lo", "::1"));

  private static List<Machine.InterfaceAddress> lo(Machine.InterfaceAddress... more) {
    return java.util.stream.Stream.concat(LO.stream(), java.util.stream.Stream.of(more)).toList();
  }

  @Test
  void bindingEveryInterfaceAdvertisesTheHostsNameWhenItResolvesToAnAddressOfThisHost() {
    Machine m = new FakeMachine("node1", Map.of("node1", List.of("10.0.0.5")),
        lo(on("docker0", "172.17.0.1"), on("eth0", "10.0.0.5")));
    Advertisement a = Advertisement.choose("0.0.0.0", null, m);
    assertThat(a.host()).isEqualTo("node1");
    assertThat(a.loopback()).isFalse();
    assertThat(a.warning("master")).isEmpty();
    assertThat(a.line("0.0.0.0")).isEqualTo(
        "advertising node1 (this host's name, which resolves to 10.0.0.5, an address of this host); listening on 0.0.0.0");
  }

  @Test
  void aNameThatResolvesToLoopbackGivesWayToTheFirstAddressOfAnInterfaceThatIsUp() {
    // Debian's /etc/hosts: "127.0.1.1 node1"
    Machine m = new FakeMachine("node1", Map.of("node1", List.of("127.0.1.1")),
        lo(on("eth0", "fe80::1"), on("eth0", "192.0.2.2"), on("eth1", "198.51.100.7")));
    Advertisement a = Advertisement.choose("0.0.0.0", null, m);
    assertThat(a.host()).isEqualTo("192.0.2.2");
    assertThat(a.why()).isEqualTo("the first address of eth0; this host's name node1 resolves to 127.0.1.1, "
        + "a loopback address");
    assertThat(a.loopback()).isFalse();
  }

  @Test
  void anUnresolvableNameOrOneOfAnotherHostGivesWayToTheFirstAddress() {
    List<Machine.InterfaceAddress> nics = lo(on("eth0", "192.0.2.2"));
    Advertisement unresolvable = Advertisement.choose("0.0.0.0", null, new FakeMachine("node1", Map.of(), nics));
    assertThat(unresolvable.host()).isEqualTo("192.0.2.2");
    assertThat(unresolvable.why()).endsWith("this host's name node1 does not resolve");
    Advertisement elsewhere = Advertisement.choose("0.0.0.0", null,
        new FakeMachine("node1", Map.of("node1", List.of("203.0.113.9")), nics));
    assertThat(elsewhere.host()).isEqualTo("192.0.2.2");
    assertThat(elsewhere.why()).endsWith("resolves to 203.0.113.9, not an address of this host");
    Advertisement nameless = Advertisement.choose("0.0.0.0", null, new FakeMachine(null, Map.of(), nics));
    assertThat(nameless.host()).isEqualTo("192.0.2.2");
    assertThat(nameless.why()).endsWith("this host has no name");
  }

  @Test
  void aHostWithNothingButLoopbackAdvertisesLoopbackAndWarns() {
    Machine m = new FakeMachine("box", Map.of("box", List.of("127.0.0.1")), LO);
    Advertisement a = Advertisement.choose("0.0.0.0", null, m);
    assertThat(a.host()).isEqualTo("127.0.0.1");
    assertThat(a.loopback()).isTrue();
    assertThat(a.why()).startsWith("this host has no address but loopback");
    assertThat(a.warning("agent")).contains("warning: advertising 127.0.0.1, a loopback address: other machines "
        + "cannot reach this agent (give --advertise-host the name or address they reach this host at)");
  }

  @Test
  void aWildcardAddressIsNeverAdvertised() {
    Machine m = new FakeMachine("node1", Map.of("node1", List.of("10.0.0.5")), lo(on("eth0", "10.0.0.5")));
    for (String wildcard : List.of("0.0.0.0", "::", "[::]", "0:0:0:0:0:0:0:0", " 0.0.0.0 ")) {
      assertThatThrownBy(() -> Advertisement.choose("0.0.0.0", wildcard, m))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("a wildcard address")
          .hasMessageContaining("give --advertise-host");
    }
    assertThatThrownBy(() -> Advertisement.choose("0.0.0.0", "", m)).hasMessageContaining("an empty host");
    assertThat(Advertisement.isWildcard("0.0.0.0")).isTrue();
    assertThat(Advertisement.isWildcard("[::]")).isTrue();
    assertThat(Advertisement.isWildcard("10.0.0.5")).isFalse();
    assertThat(Advertisement.isWildcard("node1")).isFalse();
  }

  @Test
  void anAdvertisedHostGivenIsAdvertisedAsGivenAndWarnedAboutWhenLoopback() {
    Machine m = new FakeMachine("node1", Map.of("localhost", List.of("127.0.0.1", "::1")), lo(on("eth0", "10.0.0.5")));
    Advertisement nat = Advertisement.choose("0.0.0.0", "gw.example.com", m);
    assertThat(nat.host()).isEqualTo("gw.example.com"); // unresolvable here is fine: others may resolve it
    assertThat(nat.why()).isEqualTo("--advertise-host");
    assertThat(nat.loopback()).isFalse();
    assertThat(Advertisement.choose("0.0.0.0", "127.0.0.1", m).loopback()).isTrue();
    assertThat(Advertisement.choose("0.0.0.0", "localhost", m).warning("master")).isPresent();
    assertThat(Advertisement.choose("0.0.0.0", "[::1]", m).host()).isEqualTo("::1");
  }

  @Test
  void bindingOneAddressAdvertisesIt() {
    Machine m = new FakeMachine("node1", Map.of(), lo(on("eth0", "10.0.0.5")));
    Advertisement a = Advertisement.choose("10.0.0.5", null, m);
    assertThat(a.host()).isEqualTo("10.0.0.5");
    assertThat(a.why()).isEqualTo("the address it listens on, --host");
    Advertisement local = Advertisement.choose("127.0.0.1", null, m); // corral local's
    assertThat(local.host()).isEqualTo("127.0.0.1");
    assertThat(local.loopback()).isTrue();
  }

  @Test
  void anIpv6OnlyHostAdvertisesItsGlobalAddressNotItsLinkLocalOne() {
    Machine m = new FakeMachine("v6", Map.of(), lo(on("eth0", "fe80::fc:ff:fe00:1"), on("eth0", "2001:db8::5")));
    Advertisement a = Advertisement.choose("::", null, m);
    assertThat(ip(a.host())).isEqualTo(ip("2001:db8::5"));
    assertThat(a.loopback()).isFalse();
    assertThat(new HostPort(a.host(), 5050).toString()).startsWith("[2001:db8:").endsWith("]:5050");
    Machine named = new FakeMachine("v6", Map.of("v6", List.of("2001:db8::5")), m.addresses());
    assertThat(Advertisement.choose("[::]", null, named).host()).isEqualTo("v6");
  }

  @Test
  void ipv4ComesBeforeIpv6() {
    Machine m = new FakeMachine(null, Map.of(), lo(on("eth0", "2001:db8::5"), on("eth1", "192.0.2.2")));
    assertThat(Advertisement.choose("0.0.0.0", null, m).host()).isEqualTo("192.0.2.2");
  }
}
