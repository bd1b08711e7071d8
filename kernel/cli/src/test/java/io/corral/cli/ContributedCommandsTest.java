package io.corral.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.corral.command.CorralSubcommand;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Command;

/**
 * Subcommands that modules above the kernel add to {@code corral} (three here, named in this test's
 * {@code META-INF/services}): found on the classpath, listed right after the command each names,
 * one that names no command at the end, before the help.
 */
class ContributedCommandsTest {
  @Command(name = "zebra", description = "Listed after bundle.")
  public static final class Zebra implements CorralSubcommand, Runnable {
    @Override
    public String listedAfter() {
      return "bundle";
    }

    @Override
    public void run() {}
  }

  @Command(name = "aardvark", description = "Listed after zebra.")
  public static final class Aardvark implements CorralSubcommand, Runnable {
    @Override
    public String listedAfter() {
      return "zebra";
    }

    @Override
    public void run() {}
  }

  @Command(name = "stray", description = "Listed after a command there is not.")
  public static final class Stray implements CorralSubcommand, Runnable {
    @Override
    public String listedAfter() {
      return "no-such-command";
    }

    @Override
    public void run() {}
  }

  @Test
  void eachIsListedAfterTheCommandItNamesAndOneThatNamesNoneLast() {
    List<String> names = List.copyOf(CorralMain.commandLine().getSubcommands().keySet());
    assertThat(names).containsExactly("master", "agent", "local", "bundle", "zebra", "aardvark", "certs", "status",
        "agents", "frameworks", "tasks", "framework", "task", "roles", "quota", "weights", "logs", "stray", "generate-completion", "help");
  }

  @Test
  void theyRunUnderTheCorralCommandsRules() {
    assertThat(CorralMain.run("zebra")).isZero();
    assertThat(CorralMain.run("aardvark", "--no-such-option")).isEqualTo(picocli.CommandLine.ExitCode.USAGE);
  }
}
