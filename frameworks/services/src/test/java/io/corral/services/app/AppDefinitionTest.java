package io.corral.services.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AppDefinitionTest {
  private final AppDefinition web = AppDefinition.builder(new AppId("/web")).cmd("python3 -m http.server $PORT0").build();

  @Test
  void hasMarathonsDefaults() {
    assertThat(web.instances()).isEqualTo(1);
    assertThat(web.cpus()).isEqualTo(1.0);
    assertThat(web.mem()).isEqualTo(128.0);
    assertThat(web.disk()).isEqualTo(0.0);
    assertThat(web.backoffSeconds()).isEqualTo(1.0);
    assertThat(web.backoffFactor()).isEqualTo(1.15);
    assertThat(web.maxLaunchDelaySeconds()).isEqualTo(300.0);
    assertThat(web.upgradeStrategy()).isEqualTo(new UpgradeStrategy(1.0, 1.0));
    assertThat(web.killSelection()).isEqualTo(KillSelection.YOUNGEST_FIRST);
    assertThat(web.portDefinitions()).containsExactly(PortDefinition.any());
    assertThat(web.ports()).containsExactly(0);
  }

  @Test
  void aScaleIsNoConfigChangeButAnythingElseIs() {
    AppDefinition scaled = web.withInstances(5).withVersion(Instant.parse("2024-01-01T00:00:00Z"));
    assertThat(web.isConfigChange(scaled)).isFalse();
    assertThat(web.isConfigChange(web.toBuilder().env(Map.of("A", "1")).build())).isTrue();
    assertThat(web.isConfigChange(web.toBuilder().healthChecks(
        List.of(HealthCheck.defaults(HealthCheck.Protocol.HTTP))).build())).isTrue();
  }

  @Test
  void keepsTheOrderOfEnvAndLabels() {
    AppDefinition a = web.toBuilder().env(new java.util.LinkedHashMap<>(Map.of("Z", "1"))).build();
    java.util.LinkedHashMap<String, String> env = new java.util.LinkedHashMap<>();
    env.put("Z", "1");
    env.put("A", "2");
    env.put("M", "3");
    assertThat(web.toBuilder().env(env).build().env().keySet()).containsExactly("Z", "A", "M");
    assertThat(a.env()).containsEntry("Z", "1");
  }

  @Test
  void turnsOlderUrisIntoFetchByMarathonsRule() {
    assertThat(FetchUri.ofLegacyUri("https://x/app-1.2.tgz").extract()).isTrue();
    assertThat(FetchUri.ofLegacyUri("https://x/a.zip").extract()).isTrue();
    assertThat(FetchUri.ofLegacyUri("https://x/start.sh").extract()).isFalse();
  }
}
