package io.corral.master.validation;

import static org.assertj.core.api.Assertions.assertThat;

import io.corral.common.resources.Resources;
import io.corral.protocol.CommandInfo;
import io.corral.protocol.HealthCheck;
import io.corral.protocol.HealthCheck.HttpCheck;
import io.corral.protocol.HealthCheck.TcpCheck;
import io.corral.protocol.TaskInfo;
import io.corral.protocol.TaskState;
import io.corral.protocol.TaskStatusReason;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A task's health check at launch: an invalid one fails the task (TASK_ERROR) with one sentence saying what to change. */
class HealthCheckValidationTest {

  private static HealthCheck.Builder http(int port) {
    return HealthCheck.newBuilder().setType(HealthCheck.Type.HTTP).setHttp(HttpCheck.newBuilder().setPort(port));
  }

  private static HealthCheck.Builder tcp(int port) {
    return HealthCheck.newBuilder().setType(HealthCheck.Type.TCP).setTcp(TcpCheck.newBuilder().setPort(port));
  }

  private static HealthCheck.Builder command(String value) {
    return HealthCheck.newBuilder().setType(HealthCheck.Type.COMMAND).setCommand(CommandInfo.newBuilder().setValue(value));
  }

  private static LaunchPlan launch(HealthCheck.Builder check) {
    TaskInfo task = TaskInfo.newBuilder().setTaskId("web").setName("web")
        .setCommand(CommandInfo.newBuilder().setValue("python3 -m http.server 31000"))
        .addAllResources(Resources.parse("cpus:0.1;mem:32").toProto()).setHealthCheck(check).build();
    return LaunchValidator.validate("fw-1", "agent-1", Resources.parse("cpus:1;mem:1024;ports:[31000-31009]"),
        List.of(task), id -> false, Map.of());
  }

  static Stream<Arguments> invalid() {
    return Stream.of(
        Arguments.of(HealthCheck.newBuilder().setHttp(HttpCheck.newBuilder().setPort(80)),
            "set 'type' to HTTP, TCP or COMMAND"),
        Arguments.of(HealthCheck.newBuilder().setType(HealthCheck.Type.HTTP),
            "an HTTP check needs 'http' with a port"),
        Arguments.of(http(31000).setTcp(TcpCheck.newBuilder().setPort(31000)),
            "an HTTP check sets only 'http' (not 'tcp' or 'command')"),
        Arguments.of(HealthCheck.newBuilder().setType(HealthCheck.Type.TCP), "a TCP check needs 'tcp' with a port"),
        Arguments.of(tcp(31000).setCommand(CommandInfo.newBuilder().setValue("true")),
            "a TCP check sets only 'tcp' (not 'http' or 'command')"),
        Arguments.of(HealthCheck.newBuilder().setType(HealthCheck.Type.COMMAND), "a COMMAND check needs 'command'"),
        Arguments.of(command("true").setHttp(HttpCheck.newBuilder().setPort(1)),
            "a COMMAND check sets only 'command' (not 'http' or 'tcp')"),
        Arguments.of(command(" "), "its command is empty"),
        Arguments.of(http(0), "port must be between 1 and 65535: 0"),
        Arguments.of(http(65536), "port must be between 1 and 65535: 65536"),
        Arguments.of(http(-1), "port must be between 1 and 65535: 4294967295"),
        Arguments.of(tcp(0), "port must be between 1 and 65535: 0"),
        Arguments.of(tcp(70000), "port must be between 1 and 65535: 70000"),
        Arguments.of(http(8080).setHttp(HttpCheck.newBuilder().setPort(8080).setScheme("ftp")),
            "scheme must be 'http' or 'https', not 'ftp'"),
        Arguments.of(http(8080).setHttp(HttpCheck.newBuilder().setPort(8080).setPath("health")),
            "path must start with '/': 'health'"),
        Arguments.of(http(8080).setHttp(HttpCheck.newBuilder().setPort(8080).setPath("/a b")),
            "path '/a b' is not a valid URI path (Illegal character in path)"),
        Arguments.of(http(8080).setHttp(HttpCheck.newBuilder().setPort(8080).addStatuses(200).addStatuses(99)),
            "statuses must be HTTP statuses (100-599): 99"),
        Arguments.of(http(8080).setDelaySeconds(-1), "delay_seconds must be between 0 and 604800 s: -1.0"),
        Arguments.of(http(8080).setIntervalSeconds(Double.NaN), "interval_seconds must be between 0 and 604800 s: NaN"),
        Arguments.of(http(8080).setGracePeriodSeconds(-0.5),
            "grace_period_seconds must be between 0 and 604800 s: -0.5"),
        Arguments.of(http(8080).setTimeoutSeconds(-2), "timeout_seconds must be between 0 and 604800 s: -2.0"),
        Arguments.of(http(8080).setTimeoutSeconds(0), "timeout_seconds must be above 0 (a check needs time to run)"),
        Arguments.of(http(8080).setIntervalSeconds(1e12), "interval_seconds must be between 0 and 604800 s: 1.0E12"),
        Arguments.of(http(8080).setConsecutiveFailures(0), "consecutive_failures must be at least 1"));
  }

  @ParameterizedTest
  @MethodSource("invalid")
  void anInvalidCheckFailsTheTaskSayingWhy(HealthCheck.Builder check, String why) {
    LaunchPlan plan = launch(check);

    assertThat(plan.accepted()).isEmpty();
    assertThat(plan.rejected()).hasSize(1);
    LaunchPlan.Rejected r = plan.rejected().get(0);
    assertThat(r.state()).isEqualTo(TaskState.TASK_ERROR);
    assertThat(r.reason()).isEqualTo(TaskStatusReason.REASON_TASK_INVALID);
    assertThat(r.message()).isEqualTo("invalid health check: " + why);
  }

  @Test
  void validChecksAreAcceptedAndPassedOnUnchanged() {
    for (HealthCheck.Builder ok : List.of(
        http(31000),
        http(65535).setHttp(HttpCheck.newBuilder().setScheme("https").setPort(65535).setPath("/health?deep=1")
            .addStatuses(200).addStatuses(204)),
        tcp(1).setDelaySeconds(0).setIntervalSeconds(0).setGracePeriodSeconds(0).setTimeoutSeconds(0.1)
            .setConsecutiveFailures(1),
        command("curl -f http://127.0.0.1:$PORT0/health").setIntervalSeconds(604800))) {
      LaunchPlan plan = launch(ok);
      assertThat(plan.rejected()).as(ok.toString()).isEmpty();
      assertThat(plan.accepted().get(0).task().getHealthCheck()).isEqualTo(ok.build());
    }
  }
}
