package io.corral.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/** Parses {@code corral master} and {@code corral agent} command lines without running anything. */
class DaemonCommandLineTest {
  private static AgentCommand agent(String... args) {
    AgentCommand a = new AgentCommand();
    new CommandLine(a).parseArgs(args);
    return a;
  }

  private static MasterCommand master(String... args) {
    MasterCommand m = new MasterCommand();
    new CommandLine(m).parseArgs(args);
    return m;
  }

  @Test
  void agentOptions() {
    AgentCommand a = agent("--master", "zk://zk1:2181/corral", "--port", "0",
        "--work-dir", "/var/lib/corral", "--resources", "cpus:4;mem:8192", "--attributes", "rack:r1",
        "--recovery-timeout", "30s", "--executor-shutdown-grace", "500ms", "--shutdown-executors-on-exit");
    assertThat(a.master).isEqualTo("zk://zk1:2181/corral");
    assertThat(a.port).isZero();
    assertThat(a.workDir).isEqualTo(Path.of("/var/lib/corral"));
    assertThat(a.resources).isEqualTo("cpus:4;mem:8192");
    assertThat(a.attributes).isEqualTo("rack:r1");
    assertThat(a.recoveryTimeout).isEqualTo(Duration.ofSeconds(30));
    assertThat(a.shutdownGrace).isEqualTo(Duration.ofMillis(500));
    assertThat(a.shutdownExecutorsOnExit).isTrue();
  }

  @Test
  void masterPreemption() {
    assertThat(master().preemption).isTrue();
    assertThat(master().preemptionGrace).isEqualTo(Duration.ofSeconds(10));
    assertThat(master("--preemption=false").preemption).isFalse();
    assertThat(master("--no-preemption").preemption).isFalse();
    assertThat(master("--preemption").preemption).isTrue();
    assertThat(master("--preemption-grace", "1min").preemptionGrace).isEqualTo(Duration.ofMinutes(1));
    // conf/corral.properties's master.preemption=false reaches the option as its default value does
    CommandLine fromFile = new CommandLine(new MasterCommand()).setDefaultValueProvider(
        a -> a instanceof CommandLine.Model.OptionSpec o && o.longestName().equals("--preemption") ? "false"
            : a.defaultValue());
    fromFile.parseArgs();
    assertThat(((MasterCommand) fromFile.getCommand()).preemption).isFalse();
  }

  @Test
  void agentUsersAndSecrets() {
    assertThat(agent("--master", "m:5050").switchUser).isTrue();
    assertThat(agent("--master", "m:5050", "--no-switch-user").switchUser).isFalse();
    assertThat(agent("--master", "m:5050", "--switch-user").switchUser).isTrue();
    AgentCommand a = agent("--master", "m:5050", "--secrets-dir", "/etc/corral/secrets");
    assertThat(a.secretsDir).isEqualTo(Path.of("/etc/corral/secrets"));
  }

  @Test
  void agentDefaults() {
    AgentCommand a = agent("--master", "m:5050");
    assertThat(a.host).isEqualTo("0.0.0.0");
    assertThat(a.advertiseHost).isNull();
    assertThat(a.recoveryTimeout).isEqualTo(Duration.ofMinutes(15));
    assertThat(a.idleTimeout).isEqualTo(Duration.ofSeconds(10));
    assertThat(a.shutdownExecutorsOnExit).isFalse();
  }

  @Test
  void masterOptions() {
    MasterCommand m = master("--port", "0", "--host", "0.0.0.0",
        "--advertise-host", "m1.example.com", "--zk", "zk://zk1:2181/corral", "--agent-ping-timeout", "5s",
        "--max-agent-ping-timeouts", "3", "--offer-timeout", "1min", "--weights", "prod=3",
        "--max-message-size", "1048576");
    assertThat(m.port).isZero();
    assertThat(m.host).isEqualTo("0.0.0.0");
    assertThat(m.advertiseHost).isEqualTo("m1.example.com");
    assertThat(m.zk).isEqualTo("zk://zk1:2181/corral");
    assertThat(m.agentPingTimeout).isEqualTo(Duration.ofSeconds(5));
    assertThat(m.maxAgentPingTimeouts).isEqualTo(3);
    assertThat(m.offerTimeout).isEqualTo(Duration.ofMinutes(1));
    assertThat(m.weights).isEqualTo("prod=3");
    assertThat(m.maxMessageBytes).isEqualTo(1048576);
  }

  @Test
  void aBadDurationNamesTheOption() {
    assertThatThrownBy(() -> new CommandLine(new MasterCommand()).parseArgs("--offer-timeout", "soon"))
        .isInstanceOf(ParameterException.class)
        .hasMessageContaining("--offer-timeout")
        .hasMessageContaining("'soon' is not a duration");
  }

  @Test
  void schedulerTaskShareIsAFractionOfTheCluster() {
    assertThat(master().schedulerTaskShare).as("default, as YARN's maxAMShare").isEqualTo(0.1);
    assertThat(master("--scheduler-task-share", "0.25").schedulerTaskShare).isEqualTo(0.25);
    assertThatThrownBy(() -> master("--scheduler-task-share", "1.5"))
        .isInstanceOf(ParameterException.class)
        .hasMessageContaining("--scheduler-task-share")
        .hasMessageContaining("'1.5' is not between 0 and 1");
    assertThatThrownBy(() -> master("--scheduler-task-share", "a tenth"))
        .isInstanceOf(ParameterException.class)
        .hasMessageContaining("--scheduler-task-share")
        .hasMessageContaining("'a tenth' is not a number");
  }

  @Test
  void agentResourcesMayBeReservedToARoleWhoseNameIsChecked() {
    assertThat(agent("--resources", "cpus(eng/etl):4;mem(eng/etl):8192;cpus:4;mem:8192").resources)
        .isEqualTo("cpus(eng/etl):4;mem(eng/etl):8192;cpus:4;mem:8192");
    assertThatThrownBy(() -> agent("--resources", "cpus(eng//etl):4"))
        .isInstanceOf(ParameterException.class)
        .hasMessageContaining("--resources")
        .hasMessageContaining("invalid reservation in 'cpus(eng//etl):4': role 'eng//etl' contains '//'")
        .hasMessageNotContaining("\n");
  }

  @Test
  void aBadNumberNamesTheOption() {
    assertThatThrownBy(() -> new CommandLine(new MasterCommand()).parseArgs("--port", "fifty"))
        .isInstanceOf(ParameterException.class)
        .hasMessageContaining("--port");
  }
}
