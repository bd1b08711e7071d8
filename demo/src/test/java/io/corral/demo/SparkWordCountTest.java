package io.corral.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SparkWordCountTest {
  @Test
  void readsTheApplicationsCountsLine() {
    assertThat(SparkWordCount.parse(" a=3 the=160000 i=1")).isEqualTo(Map.of("a", 3L, "the", 160000L, "i", 1L));
    assertThat(SparkWordCount.parse("")).isEmpty();
  }
}
