package io.corral.common.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class ThrottledWarningTest {
  private final Logger logger = (Logger) LoggerFactory.getLogger("throttled-warning-test");
  private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
  private final AtomicLong now = new AtomicLong(1_000);
  private final ThrottledWarning warning = new ThrottledWarning(logger, Duration.ofSeconds(10), now::get);

  @BeforeEach
  void attach() {
    lines.start();
    logger.addAppender(lines);
  }

  @AfterEach
  void detach() {
    logger.detachAppender(lines);
  }

  private void advance(Duration d) {
    now.addAndGet(d.toNanos());
  }

  @Test
  void logsTheFirstThenAtMostOncePerIntervalWithTheNumberHeldBack() {
    assertThat(warning.warn("{} refused", "a")).isTrue();
    for (int i = 0; i < 500; i++) {
      assertThat(warning.warn("{} refused", "b" + i)).isFalse();
    }
    advance(Duration.ofSeconds(9));
    assertThat(warning.warn("{} refused", "c")).isFalse();
    advance(Duration.ofSeconds(1));
    assertThat(warning.warn("{} refused", "d")).isTrue();
    advance(Duration.ofSeconds(30));
    assertThat(warning.warn("{} refused", "e")).isTrue();

    assertThat(lines.list).extracting(ILoggingEvent::getFormattedMessage).containsExactly(
        "a refused", "d refused (501 more like it were not logged)", "e refused");
    assertThat(lines.list).allMatch(e -> e.getLevel() == ch.qos.logback.classic.Level.WARN);
  }

  @Test
  void anExceptionArgumentIsPartOfTheLineNotAStackTrace() {
    warning.warn("connection from {} failed: {}", "10.0.0.1", new IllegalStateException("boom"));
    assertThat(lines.list).singleElement().satisfies(e -> {
      assertThat(e.getThrowableProxy()).isNull();
      assertThat(e.getFormattedMessage()).isEqualTo(
          "connection from 10.0.0.1 failed: java.lang.IllegalStateException: boom");
    });
  }

  @Test
  void theIntervalMustBePositive() {
    assertThatThrownBy(() -> new ThrottledWarning(logger, Duration.ZERO, now::get))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
