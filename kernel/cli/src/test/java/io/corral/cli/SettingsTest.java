package io.corral.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.corral.daemon.AgentCommand;
import io.corral.daemon.MasterCommand;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParseResult;

/** Flags over environment variables over conf/corral.properties over built-in defaults. */
class SettingsTest {
  @TempDir Path conf;

  private CommandLine corral(Map<String, String> env) {
    CommandLine cli = CorralMain.commandLine();
    cli.setDefaultValueProvider(Settings.load(cli, conf, env));
    return cli;
  }

  /** The command that {@code args} run, as parsed: its options' values, settings applied. */
  private static CommandSpec leaf(CommandLine cli, String... args) {
    ParseResult r = cli.parseArgs(args);
    while (r.hasSubcommand()) {
      r = r.subcommand();
    }
    return r.commandSpec();
  }

  private static Object value(CommandSpec command, String option) {
    return command.findOption(option).getValue();
  }

  @Test
  void flagsBeatTheEnvironmentWhichBeatsTheFileWhichBeatsDefaults() throws Exception {
    Files.writeString(conf.resolve("corral.properties"), """
        # a comment
        master.offer-timeout = 2min
        master.allocation-interval=3s
        master.weights=prod=3
        master.scheduler-task-share=0.25
        agent.resources=cpus:4;mem:8192
        agent.drain.grace=45s
        """);
    Map<String, String> env = Map.of("CORRAL_MASTER_ALLOCATION_INTERVAL", "4s", "CORRAL_HOME", "/opt/corral");
    CommandSpec m = leaf(corral(env), "master");
    assertThat(m.userObject()).isInstanceOf(MasterCommand.class);
    assertThat(value(m, "--offer-timeout")).isEqualTo(Duration.ofMinutes(2)); // file
    assertThat(value(m, "--allocation-interval")).isEqualTo(Duration.ofSeconds(4)); // environment over file
    assertThat(value(m, "--weights")).isEqualTo("prod=3");
    assertThat(value(m, "--scheduler-task-share")).isEqualTo(0.25);
    assertThat(value(m, "--agent-ping-timeout")).isEqualTo(Duration.ofSeconds(15)); // built-in default
    CommandSpec flagged = leaf(corral(env), "master", "--allocation-interval", "5s");
    assertThat(value(flagged, "--allocation-interval")).isEqualTo(Duration.ofSeconds(5)); // flag over everything
    assertThat(value(leaf(corral(env), "agent", "--master", "m:1"), "--resources")).isEqualTo("cpus:4;mem:8192");
  }

  @Test
  void theFileTurnsSwitchingUsersOffAndNamesTheSecretsDirectory() throws Exception {
    Files.writeString(conf.resolve("corral.properties"), "agent.switch-user=false\nagent.secrets-dir=/etc/corral/s\n");
    CommandSpec a = leaf(corral(Map.of()), "agent", "--master", "m:1");
    assertThat(a.userObject()).isInstanceOf(AgentCommand.class);
    assertThat(value(a, "--switch-user")).isEqualTo(false);
    assertThat(value(a, "--secrets-dir")).isEqualTo(java.nio.file.Path.of("/etc/corral/s"));
    assertThat(value(leaf(corral(Map.of()), "agent", "--master", "m:1", "--switch-user"), "--switch-user")).isEqualTo(true);
  }

  @Test
  void oneSecuritySwitchTurnsSecurityOnForDaemonsAndTheCliUnlessACommandSaysOtherwise() throws Exception {
    Files.writeString(conf.resolve("corral.properties"), "security=true\ntls-dir=/etc/corral/tls\nagent.security=false\n");
    CommandSpec m = leaf(corral(Map.of()), "master");
    assertThat(value(m, "--security")).isEqualTo(true);
    assertThat(value(m, "--tls-dir")).isEqualTo(Path.of("/etc/corral/tls"));
    assertThat(value(leaf(corral(Map.of()), "agent", "--master", "m:1"), "--security")).isEqualTo(false);
    assertThat(leaf(corral(Map.of()), "status").userObject()).isInstanceOf(io.corral.cli.ops.StatusCommand.class);
    // The environment's shared switch counts too, below the command's own key.
    Files.writeString(conf.resolve("corral.properties"), "");
    assertThat(value(leaf(corral(Map.of("CORRAL_SECURITY", "true")), "master"), "--security")).isEqualTo(true);
    assertThat(value(leaf(corral(Map.of("CORRAL_SECURITY", "true", "CORRAL_MASTER_SECURITY", "false")), "master"),
        "--security")).isEqualTo(false);
  }

  @Test
  void unknownKeysAreErrorsThatNameThem() throws Exception {
    Files.writeString(conf.resolve("corral.properties"), "master.offer-timeuot=1min\nnonsense=1\nmaster.port=5050\n");
    assertThatThrownBy(() -> corral(Map.of())).isInstanceOf(Settings.SettingsException.class)
        .hasMessageContaining("unknown keys master.offer-timeuot, nonsense");
  }

  @Test
  void withoutAFileOnlyTheEnvironmentCounts() {
    assertThat(value(leaf(corral(Map.of("CORRAL_MASTER_PORT", "6060")), "master"), "--port")).isEqualTo(6060);
    assertThat(Settings.keys(CorralMain.commandLine().getCommandSpec()))
        .contains("master.port", "agent.resources", "agent.drain.grace", "local.agents", "tasks.json")
        .doesNotContain("master.help", "master.version");
    assertThat(Settings.envName("agent.drain.grace")).isEqualTo("CORRAL_AGENT_DRAIN_GRACE");
  }

  @Test
  void oneMasterSettingNamesTheMasterForEveryCommandThatTakesOne() throws Exception {
    Files.writeString(conf.resolve("corral.properties"), "master=zk://zk1:2181/corral\n");
    assertThat(value(leaf(corral(Map.of()), "agent"), "--master")).isEqualTo("zk://zk1:2181/corral");
    assertThat(value(leaf(corral(Map.of()), "agent", "drain", "a1"), "--master")).isEqualTo("zk://zk1:2181/corral");
    for (String operator : java.util.List.of("status", "agents", "frameworks", "tasks")) {
      assertThat(value(leaf(corral(Map.of()), operator), "--master")).as(operator).isEqualTo("zk://zk1:2181/corral");
    }
    // CORRAL_MASTER over the file; a command's own key over both; the command line over everything.
    assertThat(value(leaf(corral(Map.of("CORRAL_MASTER", "m2:5050")), "status"), "--master")).isEqualTo("m2:5050");
    Files.writeString(conf.resolve("corral.properties"), "master=zk://zk1:2181/corral\nagent.master=m3:5050\n");
    assertThat(value(leaf(corral(Map.of("CORRAL_MASTER", "m2:5050")), "agent"), "--master")).isEqualTo("m3:5050");
    assertThat(value(leaf(corral(Map.of()), "status", "--master", "m4:5050"), "--master")).isEqualTo("m4:5050");
    // The master command's own options are master.<option>, never the shared key.
    assertThat(value(leaf(corral(Map.of("CORRAL_MASTER", "m2:5050")), "master"), "--port")).isEqualTo(5050);
  }

  @Test
  void everyMasterOptionOfEveryCommandTakesTheSharedSetting() throws Exception {
    Files.writeString(conf.resolve("corral.properties"), "master=m1:5050\n");
    CommandLine cli = corral(Map.of());
    java.util.List<String> found = new java.util.ArrayList<>();
    java.util.ArrayDeque<CommandLine> todo = new java.util.ArrayDeque<>(java.util.List.of(cli));
    while (!todo.isEmpty()) {
      CommandLine c = todo.pop();
      todo.addAll(c.getSubcommands().values());
      CommandLine.Model.OptionSpec master = c.getCommandSpec().findOption("--master");
      if (master != null) {
        found.add(c.getCommandSpec().qualifiedName());
        assertThat(cli.getDefaultValueProvider().defaultValue(master)).as(c.getCommandSpec().qualifiedName())
            .isEqualTo("m1:5050");
      }
    }
    assertThat(found).contains("corral agent", "corral agent drain", "corral status", "corral logs");
  }
}
