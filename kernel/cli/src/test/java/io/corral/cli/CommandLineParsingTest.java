package io.corral.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.MissingParameterException;
import picocli.CommandLine.ParseResult;

/** Parses {@code corral} command lines without running anything. */
class CommandLineParsingTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private static CommandLine corral() {
    return CorralMain.commandLine();
  }

  /** Runs the command line: only for help, version and errors, which start no daemon. */
  private int execute(String... args) {
    return corral().setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true)).execute(args);
  }

  @SuppressWarnings("unchecked")
  private static <T> T parse(Class<T> type, String... args) {
    ParseResult r = corral().parseArgs(args);
    while (r.hasSubcommand()) {
      r = r.subcommand();
    }
    Object command = r.commandSpec().userObject();
    assertThat(command).isInstanceOf(type);
    return (T) command;
  }

  @Test
  void helpListsTheSubcommands() {
    assertThat(execute("--help")).isZero();
    String help = out.toString();
    assertThat(help).contains("Usage: corral");
    for (String sub : List.of("master", "agent", "local", "bundle", "certs", "status", "logs")) {
      assertThat(help).containsPattern("(?m)^\\s+" + sub + "\\s");
    }
  }

  @Test
  void versionNamesTheProgram() {
    assertThat(execute("--version")).isZero();
    assertThat(out.toString()).startsWith("corral ");
  }

  @Test
  void anAgentWithoutMasterFailsWithAClearMessage() {
    // --master is checked when the agent runs, not at parsing: `corral agent drain <id> --master m`
    // gives it to the subcommand.
    assertThat(corral().parseArgs("agent", "drain", "a1", "--master", "m:5050").subcommand().subcommand()
        .commandSpec().name()).isEqualTo("drain");

    assertThat(execute("agent")).isEqualTo(CommandLine.ExitCode.USAGE);
    assertThat(err.toString())
        .contains("Missing required option: '--master=<master>'")
        .contains("Usage: corral agent");
  }

  @Test
  void unknownOptionsAreRefused() {
    assertThat(execute("master", "--prot", "1")).isEqualTo(CommandLine.ExitCode.USAGE);
    assertThat(err.toString()).contains("Unknown options: '--prot'");
  }

  @Test
  void localOptions() {
    LocalCommand l = parse(LocalCommand.class, "local", "--agents", "2", "--port", "0", "--in-process",
        "--agent-ping-timeout", "2s");
    assertThat(l.agents).isEqualTo(2);
    assertThat(l.port).isZero();
    assertThat(l.inProcess).isTrue();
    assertThat(l.agentPingTimeout).isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void aBadCommandLineIsOneLineAndExit2() {
    java.io.PrintStream saved = System.err;
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    System.setErr(new java.io.PrintStream(bytes, true, java.nio.charset.StandardCharsets.UTF_8));
    try {
      assertThat(CorralMain.run("master", "--port", "fifty")).isEqualTo(CommandLine.ExitCode.USAGE);
      assertThat(CorralMain.run("local", "--prot", "1")).isEqualTo(CommandLine.ExitCode.USAGE);
      assertThat(CorralMain.run("stauts")).isEqualTo(CommandLine.ExitCode.USAGE);
      assertThat(CorralMain.run("agent", "--master", "m:5050", "--resources", "cpus:abc"))
          .isEqualTo(CommandLine.ExitCode.USAGE);
      assertThat(CorralMain.run("master", "--weights", "prod=heavy")).isEqualTo(CommandLine.ExitCode.USAGE);
    } finally {
      System.setErr(saved);
    }
    List<String> lines = bytes.toString(java.nio.charset.StandardCharsets.UTF_8).lines().toList();
    assertThat(lines).as(lines.toString()).hasSize(5);
    assertThat(lines.get(0)).startsWith("corral master: Invalid value for option '--port'")
        .endsWith("(see 'corral master --help')");
    assertThat(lines.get(1)).startsWith("corral local: Unknown options: '--prot'");
    assertThat(lines.get(2)).startsWith("corral: 'stauts' is not a command of corral; did you mean status or");
    assertThat(lines.get(3)).isEqualTo("corral agent: Invalid value for option '--resources': 'abc' is not a number"
        + " for 'cpus' (e.g. 'cpus:4;mem:8192;disk:20000;ports:[31000-32000]') (see 'corral agent --help')");
    assertThat(lines.get(4)).startsWith("corral master: Invalid value for option '--weights': weight of role 'prod'"
        + " is not a number: 'heavy'");
  }

  @Test
  void verboseIsAnOptionOfCorralItself() {
    CommandLine cli = corral();
    ParseResult r = cli.parseArgs("--verbose", "status", "--master", "m:5050");
    assertThat(((CorralMain) r.commandSpec().userObject()).verbose).isTrue();
    assertThat(((CorralMain) corral().parseArgs("status").commandSpec().userObject()).verbose).isFalse();
  }
}
