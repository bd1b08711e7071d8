package io.corral.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/** Flags over environment variables over conf/corral.properties over built-in defaults. */
class SettingsTest {
  @TempDir Path conf;

  private CommandLine corral(Map<String, String> env) {
    CommandLine cli = new CommandLine(new CorralMain());
    cli.setDefaultValueProvider(Settings.load(cli, conf, env));
    return cli;
  }

  private static Object leaf(CommandLine cli, String... args) {
    ParseResult r = cli.parseArgs(args);
    while (r.hasSubcommand()) {
      r = r.subcommand();
    }
    return r.commandSpec().userObject();
  }

  @Test
  void flagsBeatTheEnvironmentWhichBeatsTheFileWhichBeatsDefaults() throws Exception {
    Files.writeString(conf.resolve("corral.properties"), """
        # a comment
        master.offer-timeout = 2min
        master.allocation-interval=3s
        master.weights=prod=3
        agent.resources=cpus:4;mem:8192
        agent.drain.grace=45s
        """);
    Map<String, String> env = Map.of("CORRAL_MASTER_ALLOCATION_INTERVAL", "4s", "CORRAL_HOME", "/opt/corral");
    MasterCommand m = (MasterCommand) leaf(corral(env), "master");
    assertThat(m.offerTimeout).isEqualTo(Duration.ofMinutes(2)); // file
    assertThat(m.allocationInterval).isEqualTo(Duration.ofSeconds(4)); // environment over file
    assertThat(m.weights).isEqualTo("prod=3");
    assertThat(m.agentPingTimeout).isEqualTo(Duration.ofSeconds(15)); // built-in default
    MasterCommand flagged = (MasterCommand) leaf(corral(env), "master", "--allocation-interval", "5s");
    assertThat(flagged.allocationInterval).isEqualTo(Duration.ofSeconds(5)); // flag over everything
    assertThat(((AgentCommand) leaf(corral(env), "agent", "--master", "m:1")).resources).isEqualTo("cpus:4;mem:8192");
  }

  @Test
  void theFileTurnsSwitchingUsersOffAndNamesTheSecretsDirectory() throws Exception {
    Files.writeString(conf.resolve("corral.properties"), "agent.switch-user=false\nagent.secrets-dir=/etc/corral/s\n");
    AgentCommand a = (AgentCommand) leaf(corral(Map.of()), "agent", "--master", "m:1");
    assertThat(a.switchUser).isFalse();
    assertThat(a.secretsDir).isEqualTo(java.nio.file.Path.of("/etc/corral/s"));
    assertThat(((AgentCommand) leaf(corral(Map.of()), "agent", "--master", "m:1", "--switch-user")).switchUser).isTrue();
  }

  @Test
  void oneSecuritySwitchTurnsSecurityOnForDaemonsAndTheCliUnlessACommandSaysOtherwise() throws Exception {
    Files.writeString(conf.resolve("corral.properties"), "security=true\ntls-dir=/etc/corral/tls\nagent.security=false\n");
    MasterCommand m = (MasterCommand) leaf(corral(Map.of()), "master");
    assertThat(m.security.security).isTrue();
    assertThat(m.security.tlsDir).isEqualTo(Path.of("/etc/corral/tls"));
    assertThat(((AgentCommand) leaf(corral(Map.of()), "agent", "--master", "m:1")).security.security).isFalse();
    io.corral.cli.ops.StatusCommand status = (io.corral.cli.ops.StatusCommand) leaf(corral(Map.of()), "status");
    assertThat(status).isNotNull();
    // The environment's shared switch counts too, below the command's own key.
    Files.writeString(conf.resolve("corral.properties"), "");
    assertThat(((MasterCommand) leaf(corral(Map.of("CORRAL_SECURITY", "true")), "master")).security.security).isTrue();
    assertThat(((MasterCommand) leaf(corral(Map.of("CORRAL_SECURITY", "true", "CORRAL_MASTER_SECURITY", "false")),
        "master")).security.security).isFalse();
  }

  @Test
  void unknownKeysAreErrorsThatNameThem() throws Exception {
    Files.writeString(conf.resolve("corral.properties"), "master.offer-timeuot=1min\nnonsense=1\nmaster.port=5050\n");
    assertThatThrownBy(() -> corral(Map.of())).isInstanceOf(Settings.SettingsException.class)
        .hasMessageContaining("unknown keys master.offer-timeuot, nonsense");
  }

  @Test
  void withoutAFileOnlyTheEnvironmentCounts() {
    MasterCommand m = (MasterCommand) leaf(corral(Map.of("CORRAL_MASTER_PORT", "6060")), "master");
    assertThat(m.port).isEqualTo(6060);
    assertThat(Settings.keys(new CommandLine(new CorralMain()).getCommandSpec()))
        .contains("master.port", "agent.resources", "agent.drain.grace", "local.agents", "tasks.json")
        .doesNotContain("master.help", "master.version");
    assertThat(Settings.envName("agent.drain.grace")).isEqualTo("CORRAL_AGENT_DRAIN_GRACE");
  }
}
