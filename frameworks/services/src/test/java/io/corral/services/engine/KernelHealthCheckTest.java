package io.corral.services.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.corral.services.app.HealthCheck;
import io.corral.services.app.HealthCheck.Protocol;
import java.util.List;
import org.junit.jupiter.api.Test;

class KernelHealthCheckTest {
  private static final List<Integer> PORTS = List.of(31000, 31001);

  private static HealthCheck check(Protocol p, Integer portIndex, Integer port) {
    return new HealthCheck(p, "/health", portIndex, port, p == Protocol.COMMAND ? "curl -f http://$HOST:$PORT0/" : null,
        30, 5, 2, 4, 7, false);
  }

  private static io.corral.protocol.HealthCheck kernel(HealthCheck c) {
    return KernelHealthCheck.of(List.of(c), PORTS).orElseThrow();
  }

  @Test
  void httpKindsBecomeHttpChecksOfThePortAtTheIndex() {
    for (Protocol p : List.of(Protocol.HTTP, Protocol.MESOS_HTTP, Protocol.HTTPS, Protocol.MESOS_HTTPS)) {
      io.corral.protocol.HealthCheck k = kernel(check(p, 1, null));
      assertThat(k.getType()).isEqualTo(io.corral.protocol.HealthCheck.Type.HTTP);
      assertThat(k.getHttp().getPort()).isEqualTo(31001);
      assertThat(k.getHttp().getPath()).isEqualTo("/health");
      assertThat(k.getHttp().getScheme()).isEqualTo(p.isTls() ? "https" : "http");
      assertThat(k.getGracePeriodSeconds()).isEqualTo(30);
      assertThat(k.getIntervalSeconds()).isEqualTo(5);
      assertThat(k.getTimeoutSeconds()).isEqualTo(2);
      assertThat(k.getConsecutiveFailures()).isEqualTo(4);
      assertThat(k.getDelaySeconds()).as(p.name()).isEqualTo(p.name().startsWith("MESOS_") ? 7 : 0);
    }
  }

  @Test
  void tcpKindsBecomeTcpChecks() {
    for (Protocol p : List.of(Protocol.TCP, Protocol.MESOS_TCP)) {
      io.corral.protocol.HealthCheck k = kernel(check(p, 0, null));
      assertThat(k.getType()).isEqualTo(io.corral.protocol.HealthCheck.Type.TCP);
      assertThat(k.getTcp().getPort()).isEqualTo(31000);
    }
  }

  @Test
  void aFixedPortWinsOverTheIndex() {
    assertThat(kernel(check(Protocol.HTTP, null, 8080)).getHttp().getPort()).isEqualTo(8080);
  }

  @Test
  void commandChecksRunTheCommand() {
    io.corral.protocol.HealthCheck k = kernel(check(Protocol.COMMAND, null, null));
    assertThat(k.getType()).isEqualTo(io.corral.protocol.HealthCheck.Type.COMMAND);
    assertThat(k.getCommand().getValue()).isEqualTo("curl -f http://$HOST:$PORT0/");
    assertThat(k.getDelaySeconds()).isEqualTo(7);
  }

  @Test
  void neverKillingBecomesTheLargestCount() {
    HealthCheck c = new HealthCheck(Protocol.TCP, null, 0, null, null, 30, 5, 2, 0, 0, false);
    assertThat(kernel(c).getConsecutiveFailures()).isEqualTo(Integer.MAX_VALUE);
  }

  @Test
  void theFirstOfSeveralChecksIsUsedAndAMissingPortIndexGivesNone() {
    HealthCheck tcp = check(Protocol.TCP, 0, null);
    HealthCheck http = check(Protocol.HTTP, 1, null);
    assertThat(KernelHealthCheck.of(List.of(tcp, http), PORTS).orElseThrow().getType())
        .isEqualTo(io.corral.protocol.HealthCheck.Type.TCP);
    assertThat(KernelHealthCheck.of(List.of(check(Protocol.HTTP, 5, null)), PORTS)).isEmpty();
    assertThat(KernelHealthCheck.of(List.of(), PORTS)).isEmpty();
  }

  @Test
  void marathonsDefaultsCheckTheFirstPortAtTheRoot() {
    io.corral.protocol.HealthCheck k = kernel(HealthCheck.defaults(Protocol.HTTP));
    assertThat(k.getHttp().getPort()).isEqualTo(31000);
    assertThat(k.getHttp().getPath()).isEqualTo("/");
    assertThat(k.getGracePeriodSeconds()).isEqualTo(300);
    assertThat(k.getIntervalSeconds()).isEqualTo(60);
    assertThat(k.getTimeoutSeconds()).isEqualTo(20);
    assertThat(k.getConsecutiveFailures()).isEqualTo(3);
  }
}
