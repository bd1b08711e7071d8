package io.corral.common.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ZkUrlTest {

  @Test
  void parsesHostsAndPath() {
    ZkUrl url = ZkUrl.parse("zk://zk1:2181,zk2:2181,zk3:2182/corral/prod");
    assertThat(url.connectString()).isEqualTo("zk1:2181,zk2:2181,zk3:2182");
    assertThat(url.path()).isEqualTo("/corral/prod");
    assertThat(url.leaderLatchPath()).isEqualTo("/corral/prod/leader");
    assertThat(url).hasToString("zk://zk1:2181,zk2:2181,zk3:2182/corral/prod");
    assertThat(ZkUrl.parse(url.toString())).isEqualTo(url);
  }

  @Test
  void thePathDefaultsToCorral() {
    ZkUrl url = ZkUrl.parse("zk://localhost:2181");
    assertThat(url.path()).isEqualTo(ZkUrl.DEFAULT_PATH).isEqualTo("/corral");
    assertThat(url.leaderLatchPath()).isEqualTo("/corral/leader");
  }

  @Test
  void trailingSlashesAreDropped() {
    assertThat(ZkUrl.parse("zk://localhost:2181/corral/").path()).isEqualTo("/corral");
    assertThat(ZkUrl.parse("zk://localhost:2181/a/b//").path()).isEqualTo("/a/b");
  }

  @Test
  void ipv6HostsAreAccepted() {
    assertThat(ZkUrl.parse("zk://[::1]:2181/c").connectString()).isEqualTo("[::1]:2181");
  }

  @Test
  void aPlainConnectStringWithAnOptionalChrootIsAccepted() {
    assertThat(ZkUrl.parse("h1:2181,h2:2181/corral")).isEqualTo(new ZkUrl("h1:2181,h2:2181", "/corral"));
    assertThat(ZkUrl.parse("localhost:2181")).isEqualTo(new ZkUrl("localhost:2181", "/corral"));
    assertThat(ZkUrl.parse("zk://h:1/x").registryPath()).isEqualTo("/x/registry");
  }

  @ParameterizedTest
  @ValueSource(strings = {"http://localhost:2181/corral", "ZK://h:1/c"})
  void rejectsOtherSchemes(String text) {
    assertThatThrownBy(() -> ZkUrl.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a zk:// URL");
  }

  @ParameterizedTest
  @ValueSource(strings = {"zk://", "zk:///corral", "zk://  /corral"})
  void rejectsAMissingHostList(String text) {
    assertThatThrownBy(() -> ZkUrl.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no ZooKeeper hosts");
  }

  @ParameterizedTest
  @ValueSource(strings = {"zk://localhost/corral", "zk://h1:2181,h2/corral", "zk://h:port/corral"})
  void rejectsHostsWithoutAValidPort(String text) {
    assertThatThrownBy(() -> ZkUrl.parse(text)).isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"zk://h:2181/", "zk://h:2181//", "zk://h:2181/a//b"})
  void rejectsBadPaths(String text) {
    assertThatThrownBy(() -> ZkUrl.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bad ZooKeeper path");
  }
}
