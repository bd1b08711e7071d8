package io.corral.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CorralMasterUrlTest {

  @Test
  void bothPrefixesTakeAnAddressOrAZooKeeperUrl() {
    assertThat(CorralMasterUrl.parse("spark+corral://m1:5050").master()).isEqualTo("m1:5050");
    assertThat(CorralMasterUrl.parse("corral://m1:5050/").master()).isEqualTo("m1:5050");
    assertThat(CorralMasterUrl.parse("spark+corral://zk://z1:2181,z2:2181/corral").master())
        .isEqualTo("zk://z1:2181,z2:2181/corral");
    assertThat(CorralMasterUrl.parse("corral://zk://z1:2181/corral").master()).isEqualTo("zk://z1:2181/corral");
  }

  @Test
  void onlyCorralUrlsAreClaimed() {
    assertThat(CorralMasterUrl.isCorral("spark+corral://x")).isTrue();
    assertThat(CorralMasterUrl.isCorral("corral://x")).isTrue();
    assertThat(CorralMasterUrl.isCorral("spark://m:7077")).isFalse();
    assertThat(CorralMasterUrl.isCorral("k8s://https://api")).isFalse();
    assertThat(CorralMasterUrl.isCorral("local[2]")).isFalse();
    assertThat(CorralMasterUrl.isCorral(null)).isFalse();
  }

  @Test
  void badUrlsGetOneLineSayingWhatIsExpected() {
    for (String bad : new String[] {"spark+corral://", "corral://m1", "spark+corral://m1:port",
        "spark+corral://http://m1:5050", "spark+corral://zk://", "spark+corral://m1:99999"}) {
      assertThatThrownBy(() -> CorralMasterUrl.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("'" + bad + "'").hasMessageContaining("expected spark+corral://host:port")
          .hasMessageNotContaining("\n");
    }
  }
}
