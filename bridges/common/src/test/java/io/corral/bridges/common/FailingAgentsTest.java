package io.corral.bridges.common;

import static org.assertj.core.api.Assertions.assertThat;

import io.corral.common.loop.ManualEventLoop;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FailingAgentsTest {
  private final ManualEventLoop time = new ManualEventLoop();

  @Test
  void failuresInARowWithinTheWindowMakeAnAgentFailingUntilTheWindowAfterTheLast() {
    FailingAgents agents = new FailingAgents(2, Optional.of(Duration.ofMinutes(5)), time.clock());
    agents.failed("a1");
    assertThat(agents.failing("a1")).isFalse();
    time.advance(Duration.ofMinutes(4));
    agents.failed("a1");
    assertThat(agents.failing("a1")).isTrue();
    assertThat(agents.failing("a2")).isFalse();
    time.advance(Duration.ofMinutes(5).minusMillis(1));
    assertThat(agents.failing("a1")).isTrue();
    time.advance(Duration.ofMillis(1));
    assertThat(agents.failing("a1")).isFalse();
  }

  @Test
  void failuresFurtherApartThanTheWindowStartTheCountAgain() {
    FailingAgents agents = new FailingAgents(2, Optional.of(Duration.ofMinutes(5)), time.clock());
    agents.failed("a1");
    time.advance(Duration.ofMinutes(5));
    agents.failed("a1");
    assertThat(agents.failures("a1")).isEqualTo(1);
    assertThat(agents.failing("a1")).isFalse();
  }

  @Test
  void aStartWipesTheRecord() {
    FailingAgents agents = new FailingAgents(2, Optional.of(Duration.ofMinutes(5)), time.clock());
    agents.failed("a1");
    agents.started("a1");
    agents.failed("a1");
    assertThat(agents.failing("a1")).isFalse();
    assertThat(agents.failures("a1")).isEqualTo(1);
  }

  @Test
  void failuresCountedForGoodNeedNoTime() {
    FailingAgents agents = FailingAgents.forGood(2);
    agents.failed("a1");
    assertThat(agents.failing("a1")).isFalse();
    agents.failed("a1");
    assertThat(agents.failing("a1")).isTrue();
    assertThat(agents.failures("a2")).isZero();
  }

  @Test
  void withoutAWindowFailuresCountForGood() {
    FailingAgents agents = new FailingAgents(2, Optional.empty(), time.clock());
    agents.failed("a1");
    time.advance(Duration.ofDays(30));
    agents.failed("a1");
    time.advance(Duration.ofDays(365));
    assertThat(agents.failing("a1")).isTrue();
    assertThat(agents.failures("a1")).isEqualTo(2);
  }
}
