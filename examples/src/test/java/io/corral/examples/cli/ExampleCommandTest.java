package io.corral.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.MissingParameterException;

/** Parses {@code corral example shell} command lines without running anything. */
class ExampleCommandTest {
  private static CommandLine example() {
    return new CommandLine(new ExampleCommand());
  }

  private static ExampleCommand.Shell shell(String... args) {
    return (ExampleCommand.Shell) example().parseArgs(prepend("shell", args)).subcommand().commandSpec().userObject();
  }

  private static String[] prepend(String first, String... rest) {
    String[] all = new String[rest.length + 1];
    all[0] = first;
    System.arraycopy(rest, 0, all, 1, rest.length);
    return all;
  }

  @Test
  void isListedAfterLocalAmongCorralsCommands() {
    assertThat(new ExampleCommand().listedAfter()).isEqualTo("local");
    assertThat(java.util.ServiceLoader.load(io.corral.command.CorralSubcommand.class).stream()
        .map(java.util.ServiceLoader.Provider::type)).contains(ExampleCommand.class);
  }

  @Test
  void exampleShellOptionsAndCommand() {
    ExampleCommand.Shell s = shell("--master", "m:5050", "--tasks", "3", "--cpus", "0.5", "--retries", "2",
        "--timeout", "2h", "--", "echo", "$CORRAL_TASK_ID", "--not-an-option");
    assertThat(s.master).isEqualTo("m:5050");
    assertThat(s.tasks).isEqualTo(3);
    assertThat(s.cpus).isEqualTo(0.5);
    assertThat(s.mem).isEqualTo(32);
    assertThat(s.retries).isEqualTo(2);
    assertThat(s.timeout).isEqualTo(Duration.ofHours(2));
    assertThat(s.command).containsExactly("echo", "$CORRAL_TASK_ID", "--not-an-option");
  }

  @Test
  void exampleShellTakesAUserAndSecretVariables() {
    ExampleCommand.Shell s = shell("--master", "m:5050", "--tasks", "1", "--user", "alice",
        "--secret-env", "DB=db-password", "--secret-env", "TOKEN=team/token", "--", "env");
    assertThat(s.user).isEqualTo("alice");
    assertThat(s.secretEnv).containsExactly("DB=db-password", "TOKEN=team/token");
    assertThat(shell("--master", "m:5050", "--tasks", "1", "--", "env").user)
        .isEmpty(); // the driver fills in the user running it
  }

  @Test
  void oneArgumentAfterTheDashesIsAShellCommand() {
    io.corral.protocol.CommandInfo c = ExampleCommand.Shell.command(
        shell("--master", "m:5050", "--tasks", "1", "--", "exit 3").command, java.util.List.of("file:///x.tgz"));
    assertThat(c.hasShell()).isFalse(); // unset: the default, sh -c
    assertThat(c.getValue()).isEqualTo("exit 3");
    assertThat(c.getArgumentsList()).isEmpty();
    assertThat(c.getUris(0).getValue()).isEqualTo("file:///x.tgz");
    assertThat(io.corral.common.process.CommandLines.argv(c)).containsExactly("/bin/sh", "-c", "exit 3");
  }

  @Test
  void twoOrMoreArgumentsAfterTheDashesAreAnArgumentVector() {
    io.corral.protocol.CommandInfo c = ExampleCommand.Shell.command(
        shell("--master", "m:5050", "--tasks", "1", "--", "sh", "-c", "exit 3").command, java.util.List.of());
    assertThat(c.hasShell()).isTrue();
    assertThat(c.getShell()).isFalse();
    assertThat(c.getValue()).isEqualTo("sh");
    assertThat(c.getArgumentsList()).containsExactly("sh", "-c", "exit 3");
    assertThat(io.corral.common.process.CommandLines.argv(c)).containsExactly("sh", "-c", "exit 3");
    // Each word reaches the program as given: no splitting, no quoting, no expansion.
    io.corral.protocol.CommandInfo echo = ExampleCommand.Shell.command(
        shell("--master", "m:5050", "--tasks", "1", "--", "echo", "a  b", "$HOME", "'q'").command, java.util.List.of());
    assertThat(io.corral.common.process.CommandLines.argv(echo)).containsExactly("echo", "a  b", "$HOME", "'q'");
  }

  @Test
  void anEmptyProgramIsABadCommandLine() {
    java.io.StringWriter err = new java.io.StringWriter();
    CommandLine cli = io.corral.command.CommandLines.withOneLineErrors(example());
    cli.setErr(new java.io.PrintWriter(err));
    assertThat(cli.execute("shell", "--master", "m:5050", "--tasks", "1", "--", "", "a")).isEqualTo(2);
    assertThat(err.toString()).startsWith("example shell: the command after -- is empty");
  }

  @Test
  void exampleShellNeedsMasterTasksAndACommand() {
    assertThatThrownBy(() -> example().parseArgs("shell", "--tasks", "1", "--", "true"))
        .isInstanceOf(MissingParameterException.class)
        .hasMessageContaining("'--master=<master>'");
    assertThatThrownBy(() -> example().parseArgs("shell", "--master", "m:1", "--", "true"))
        .isInstanceOf(MissingParameterException.class)
        .hasMessageContaining("'--tasks=<tasks>'");
    assertThatThrownBy(() -> example().parseArgs("shell", "--master", "m:1", "--tasks", "1"))
        .isInstanceOf(MissingParameterException.class)
        .hasMessageContaining("COMMAND");
  }
}
