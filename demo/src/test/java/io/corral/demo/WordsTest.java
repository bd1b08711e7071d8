package io.corral.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class WordsTest {
  @Test
  void countsFollowTheSentencesLineByLine() {
    Map<String, Long> seven = Words.counts(7); // sentences 0..4, then 0 and 1 again
    assertThat(seven.get("the")).isEqualTo(2 * 2 + 2 + 1); // twice in s0 (x2), once in s1 (x2) and in s3
    assertThat(seven.get("nature")).isEqualTo(1);
    assertThat(seven.get("cow")).isEqualTo(2);
    long words = seven.values().stream().mapToLong(Long::longValue).sum();
    long expected = 0;
    for (int i = 0; i < 7; i++) {
      expected += Words.line(i).split(" ").length;
    }
    assertThat(words).isEqualTo(expected);
  }
}
