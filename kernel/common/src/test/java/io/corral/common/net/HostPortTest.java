package io.corral.common.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class HostPortTest {

  @Test
  void parsesHostAndPort() {
    assertThat(HostPort.parse("master.example.com:5050"))
        .isEqualTo(new HostPort("master.example.com", 5050));
    assertThat(HostPort.parse(" 10.0.0.1:0 ")).isEqualTo(new HostPort("10.0.0.1", 0));
    assertThat(HostPort.parse("h:65535").port()).isEqualTo(65535);
  }

  @Test
  void ipv6LiteralsAreBracketed() {
    HostPort v6 = HostPort.parse("[::1]:5050");
    assertThat(v6.host()).isEqualTo("::1");
    assertThat(v6.port()).isEqualTo(5050);
    assertThat(v6).hasToString("[::1]:5050");
    assertThat(HostPort.parse(v6.toString())).isEqualTo(v6);
    assertThat(new HostPort("fe80::2", 1)).hasToString("[fe80::2]:1");
  }

  @Test
  void toStringRoundTrips() {
    HostPort hp = new HostPort("agent-1", 31000);
    assertThat(hp).hasToString("agent-1:31000");
    assertThat(HostPort.parse(hp.toString())).isEqualTo(hp);
  }

  @ParameterizedTest
  @ValueSource(strings = {"host", "host:", ":5050", "", "   ", "5050"})
  void rejectsMissingHostOrPort(String text) {
    assertThatThrownBy(() -> HostPort.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected host:port");
  }

  @ParameterizedTest
  @ValueSource(strings = {"host:http", "host:50x", "host:5050.5", "host: 80"})
  void rejectsPortsThatAreNotNumbers(String text) {
    assertThatThrownBy(() -> HostPort.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bad port")
        .hasMessageContaining(text);
  }

  @ParameterizedTest
  @ValueSource(strings = {"host:65536", "host:-1", "host:99999999"})
  void rejectsPortsOutOfRange(String text) {
    assertThatThrownBy(() -> HostPort.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("port out of range");
  }

  @Test
  void constructorChecksItsArguments() {
    assertThatThrownBy(() -> new HostPort(" ", 1)).hasMessageContaining("empty host");
    assertThatThrownBy(() -> new HostPort(null, 1)).hasMessageContaining("empty host");
    assertThatThrownBy(() -> new HostPort("h", 70000)).hasMessageContaining("port out of range");
  }
}
