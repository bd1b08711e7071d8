package io.corral.executor.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.corral.common.loop.ManualEventLoop;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The policy as a table: a task started at 0 s, a 10 s grace period, 3 failures in a row kill it. Each
 * row is a series of results ({@code p@12}: a pass at 12 s, {@code f@3}: a failure at 3 s) and what the
 * policy decided for each ({@code .}: nothing, {@code H}/{@code U}: report healthy/unhealthy, {@code K}:
 * kill). Time is a manual loop's clock.
 */
class HealthCheckPolicyTest {
  private final ManualEventLoop loop = new ManualEventLoop();
  private final Instant start = loop.now();

  private static HealthCheckSettings settings(int failures, int graceSeconds) {
    return new HealthCheckSettings(Duration.ZERO, Duration.ofSeconds(1), Duration.ofSeconds(1), failures,
        Duration.ofSeconds(graceSeconds));
  }

  /** What the policy decides for each result of {@code results}, as the table's letters. */
  private String run(HealthCheckPolicy policy, String results) {
    List<String> out = new ArrayList<>();
    for (String r : results.trim().split("\\s+")) {
      int at = Integer.parseInt(r.substring(2));
      Duration now = Duration.between(start, loop.now());
      loop.advance(Duration.ofSeconds(at).minus(now));
      CheckResult result = r.charAt(0) == 'p' ? CheckResult.passed("ok@" + at) : CheckResult.failed("bad@" + at);
      HealthCheckPolicy.Decision d = policy.onResult(loop.clock().instant(), result);
      if (d instanceof HealthCheckPolicy.Report rep) {
        out.add(rep.healthy() ? "H" : "U");
      } else {
        out.add(d instanceof HealthCheckPolicy.Kill ? "K" : ".");
      }
    }
    return String.join(" ", out);
  }

  @ParameterizedTest(name = "{0}: {1} -> {2}")
  @CsvSource(delimiter = '|', value = {
      "the first pass reports healthy, more passes say nothing | p@0 p@1 p@2 p@20 | H . . .",
      "failures before any pass within the grace period do not count | f@0 f@4 f@9 p@9 | . . . H",
      "the grace period ends at its end: failures from then on count | f@5 f@10 f@11 f@12 | . U . K",
      "the first pass ends the grace period at once | p@1 f@2 f@3 f@4 | H U . K",
      "a pass resets the count of failures in a row | p@1 f@2 f@3 p@4 f@5 f@6 p@7 | H U . H U . H",
      "only changes are reported: healthy, unhealthy, healthy | p@11 f@12 p@13 f@14 f@15 | H U H U .",
      "the first counted failure is the first result told | f@10 f@11 p@12 | U . H",
      "a kill ends it: nothing is decided after | f@10 f@11 f@12 p@13 f@14 | U . K . .",
  })
  void decisions(String rule, String results, String decided) {
    assertThat(run(new HealthCheckPolicy(settings(3, 10), start), results)).as(rule).isEqualTo(decided);
  }

  @ParameterizedTest(name = "{0}: {1} -> {2}")
  @CsvSource(delimiter = '|', value = {
      "without a grace period the first failure counts | 0 | 3 | f@0 f@1 f@2 | U . K",
      "one failure allowed: the first counted one kills | 10 | 1 | f@3 f@10 | . K",
      "one failure allowed, after passing | 10 | 1 | p@1 f@2 | H K",
      "a long grace period keeps failures from counting | 600 | 2 | f@0 f@100 f@599 f@600 f@601 | . . . U K",
  })
  void otherSettings(String rule, int grace, int failures, String results, String decided) {
    assertThat(run(new HealthCheckPolicy(settings(failures, grace), start), results)).as(rule).isEqualTo(decided);
  }

  @Test
  void reportsAndTheKillSayWhatTheCheckSaw() {
    HealthCheckPolicy policy = new HealthCheckPolicy(settings(3, 0), start);

    assertThat(policy.onResult(start, CheckResult.passed("HTTP GET http://127.0.0.1:31000/: 200")))
        .isEqualTo(new HealthCheckPolicy.Report(true, "HTTP GET http://127.0.0.1:31000/: 200"));
    assertThat(policy.onResult(start, CheckResult.failed("HTTP GET http://127.0.0.1:31000/: 503")))
        .isEqualTo(new HealthCheckPolicy.Report(false, "HTTP GET http://127.0.0.1:31000/: 503"));
    policy.onResult(start, CheckResult.failed("HTTP GET http://127.0.0.1:31000/: connection refused"));
    assertThat(policy.failuresInARow()).isEqualTo(2);
    assertThat(policy.onResult(start, CheckResult.failed("HTTP GET http://127.0.0.1:31000/ timed out after 2s")))
        .isEqualTo(new HealthCheckPolicy.Kill("killed after 3 consecutive failed health checks: "
            + "HTTP GET http://127.0.0.1:31000/ timed out after 2s"));
    assertThat(policy.healthy()).isFalse();

    HealthCheckPolicy once = new HealthCheckPolicy(settings(1, 0), start);
    assertThat(once.onResult(start, CheckResult.failed("command exited 1")))
        .isEqualTo(new HealthCheckPolicy.Kill("killed after 1 failed health check: command exited 1"));
  }

  @Test
  void settingsTakeMesosDefaultsForWhatIsUnset() {
    HealthCheckSettings d = HealthCheckSettings.of(io.corral.protocol.HealthCheck.getDefaultInstance());
    assertThat(d).isEqualTo(new HealthCheckSettings(Duration.ofSeconds(15), Duration.ofSeconds(10),
        Duration.ofSeconds(20), 3, Duration.ofSeconds(10)));
    HealthCheckSettings set = HealthCheckSettings.of(io.corral.protocol.HealthCheck.newBuilder().setDelaySeconds(0)
        .setIntervalSeconds(0.5).setTimeoutSeconds(2).setConsecutiveFailures(1).setGracePeriodSeconds(0).build());
    assertThat(set).isEqualTo(new HealthCheckSettings(Duration.ZERO, Duration.ofMillis(500), Duration.ofSeconds(2), 1,
        Duration.ZERO));
    assertThat(HealthCheckSettings.say(Duration.ofSeconds(2))).isEqualTo("2s");
    assertThat(HealthCheckSettings.say(Duration.ofMillis(250))).isEqualTo("0.25s");
  }
}
