package io.corral.master;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.corral.common.resources.Resources;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MasterConfigTest {

  private static void assertRejected(UnaryOperator<MasterConfig.Builder> change, String messagePart) {
    assertThatThrownBy(() -> change.apply(MasterConfig.builder()).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(messagePart);
  }

  @Test
  void theDefaultsAreValidAndDocumented() {
    MasterConfig c = MasterConfig.builder().build();
    assertThat(c.port()).isEqualTo(5050);
    assertThat(c.bindHost()).isEqualTo("127.0.0.1");
    assertThat(c.advertiseHost()).as("defaults to the bind host").isEqualTo("127.0.0.1");
    assertThat(c.zk()).isNull();
    assertThat(c.agentPingTimeout()).isEqualTo(Duration.ofSeconds(15));
    assertThat(c.maxAgentPingTimeouts()).isEqualTo(5);
    assertThat(c.offerTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.defaultFailoverTimeout()).isEqualTo(Duration.ofDays(7));
    assertThat(c.roleWeights()).isEmpty();
  }

  @Test
  void anAdvertisedHostIsKept() {
    MasterConfig c = MasterConfig.builder().bindHost("0.0.0.0").advertiseHost("master.example.com").build();
    assertThat(c.bindHost()).isEqualTo("0.0.0.0");
    assertThat(c.advertiseHost()).isEqualTo("master.example.com");
  }

  @Test
  void aWildcardAddressIsNeverAdvertised() {
    MasterConfig everywhere = MasterConfig.builder().bindHost("0.0.0.0").build();
    assertThat(io.corral.common.net.Advertisement.isWildcard(everywhere.advertiseHost()))
        .as(everywhere.advertiseHost()).isFalse();
    assertRejected(b -> b.bindHost("0.0.0.0").advertiseHost("0.0.0.0"), "cannot advertise the wildcard address");
    assertRejected(b -> b.advertiseHost("::"), "cannot advertise the wildcard address");
  }

  @Test
  void advertisedPortsDefaultToTheBoundOnesAndAreChecked() {
    MasterConfig c = MasterConfig.builder().advertisePort(15050).advertiseHttpPort(15080).build();
    assertThat(c.advertisePort()).isEqualTo(15050);
    assertThat(c.advertiseHttpPort()).isEqualTo(15080);
    assertThat(MasterConfig.builder().build().advertisePort()).isZero();
    assertRejected(b -> b.advertisePort(70000), "advertised port out of range");
  }

  @Test
  void durationsThatDrivePeriodicWorkMustBePositive() {
    for (Duration bad : new Duration[] {Duration.ZERO, Duration.ofMillis(-1), null}) {
      assertRejected(b -> b.agentPingTimeout(bad), "agentPingTimeout must be positive");
      assertRejected(b -> b.allocationInterval(bad), "allocationInterval must be positive");
      assertRejected(b -> b.heartbeatInterval(bad), "heartbeatInterval must be positive");
      assertRejected(b -> b.offerTimeout(bad), "offerTimeout must be positive");
    }
  }

  @Test
  void filterAndFailoverDurationsMayBeZeroButNotNegative() {
    MasterConfig zeros = MasterConfig.builder().defaultRefuse(Duration.ZERO)
        .offerTimeoutFilter(Duration.ZERO).defaultFailoverTimeout(Duration.ZERO).build();
    assertThat(zeros.defaultFailoverTimeout()).isZero();
    for (Duration bad : new Duration[] {Duration.ofSeconds(-1), null}) {
      assertRejected(b -> b.defaultRefuse(bad), "defaultRefuse must not be negative");
      assertRejected(b -> b.offerTimeoutFilter(bad), "offerTimeoutFilter must not be negative");
      assertRejected(b -> b.defaultFailoverTimeout(bad), "defaultFailoverTimeout must not be negative");
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {0, -3})
  void atLeastOneMissedPingIsNeeded(int n) {
    assertRejected(b -> b.maxAgentPingTimeouts(n), "maxAgentPingTimeouts must be at least 1");
  }

  @ParameterizedTest
  @ValueSource(ints = {-1, 65536, 100_000})
  void thePortMustBeAPort(int port) {
    assertRejected(b -> b.port(port), "port out of range: " + port);
  }

  @Test
  void portZeroMeansAnyFreePort() {
    assertThat(MasterConfig.builder().port(0).build().port()).isZero();
  }

  @ParameterizedTest
  @ValueSource(doubles = {0, -1, Double.NaN, Double.POSITIVE_INFINITY})
  void roleWeightsMustBePositiveAndFinite(double w) {
    assertRejected(b -> b.roleWeights(Map.of("prod", w)), "weight of role 'prod' must be > 0");
  }

  @Test
  void limitsMustBeSensible() {
    assertRejected(b -> b.maxMessageBytes(0), "maxMessageBytes must be positive");
    assertRejected(b -> b.offerBatchSize(0), "offerBatchSize must be at least 1");
    assertRejected(b -> b.maxCompletedTasksPerFramework(-1), "maxCompletedTasksPerFramework must not be negative");
    assertRejected(b -> b.maxCompletedFrameworks(-1), "maxCompletedFrameworks must not be negative");
  }

  @Test
  void aZooKeeperUrlIsCheckedUpFront() {
    assertThat(MasterConfig.builder().zk("zk://zk1:2181,zk2:2181/corral").build().zk())
        .isEqualTo("zk://zk1:2181,zk2:2181/corral");
    // --zk takes a plain connect string (with an optional chroot) too.
    assertThat(MasterConfig.builder().zk("zk1:2181/corral").build().zk()).isEqualTo("zk1:2181/corral");
    assertRejected(b -> b.zk("http://zk1:2181/corral"), "not a zk:// URL");
    assertRejected(b -> b.zk("zk://zk1/corral"), "expected host:port");
  }

  @Test
  void failoverTimeoutsAreChecked() {
    MasterConfig c = MasterConfig.builder().build();
    assertThat(c.zkSessionTimeout()).isEqualTo(java.time.Duration.ofSeconds(10));
    assertThat(c.agentReregisterTimeout()).isEqualTo(java.time.Duration.ofMinutes(10));
    assertThat(c.agentGoneTimeout()).isZero();
    assertRejected(b -> b.zkSessionTimeout(java.time.Duration.ZERO), "zkSessionTimeout must be positive");
    assertRejected(b -> b.agentReregisterTimeout(java.time.Duration.ofSeconds(-1)), "agentReregisterTimeout must be positive");
    assertRejected(b -> b.agentGoneTimeout(java.time.Duration.ofSeconds(-1)), "agentGoneTimeout must be zero");
  }

  @Test
  void hostsAreRequired() {
    assertThatThrownBy(() -> MasterConfig.builder().bindHost(null).build())
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("bindHost");
  }

  @Test
  void collectionsAreCopied() {
    Map<String, Double> weights = new HashMap<>(Map.of("prod", 3.0));
    List<Resources> min = new ArrayList<>(List.of(Resources.parse("cpus:0.1")));
    MasterConfig c = MasterConfig.builder().roleWeights(weights).minAllocatable(min).build();
    weights.put("dev", 1.0);
    min.clear();
    assertThat(c.roleWeights()).containsOnlyKeys("prod");
    assertThat(c.minAllocatable()).hasSize(1);
    assertThatThrownBy(() -> c.roleWeights().put("x", 1.0)).isInstanceOf(UnsupportedOperationException.class);
  }
}
