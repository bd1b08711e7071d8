package io.corral.common.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PathNamesTest {

  @Test
  void namesHoldNoSeparatorNoColonAndNoDotDirectory() {
    assertThat(PathNames.of("corral:command")).isEqualTo("corral%3Acommand");
    assertThat(PathNames.of("../../etc")).doesNotContain("/");
    assertThat(PathNames.of("..")).isEqualTo("%2E%2E");
    assertThat(PathNames.of(".")).isEqualTo("%2E");
    assertThat(PathNames.of("executor-1")).isEqualTo("executor-1");
    assertThat(PathNames.of("a b/c")).isEqualTo("a+b%2Fc");
  }

  @Test
  void namesDecodeBackToTheirIds() {
    for (String id : new String[] {"corral:command", "a/b", "x%y", "..", "t 1", "ünï"}) {
      assertThat(URLDecoder.decode(PathNames.of(id), StandardCharsets.UTF_8)).isEqualTo(id);
    }
    assertThatThrownBy(() -> PathNames.of("")).isInstanceOf(IllegalArgumentException.class);
  }
}
