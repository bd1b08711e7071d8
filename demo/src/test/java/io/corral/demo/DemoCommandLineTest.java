package io.corral.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.corral.command.CommandLines;
import io.corral.command.CorralSubcommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Parses {@code corral demo} command lines without running anything. */
class DemoCommandLineTest {
  @Test
  void optionsAndDefaults() {
    DemoCommand d = new DemoCommand();
    new CommandLine(d).setCaseInsensitiveEnumValuesAllowed(true).parseArgs("--tasks", "5", "--parts", "Hadoop,example");
    assertThat(d.tasks).isEqualTo(5);
    assertThat(d.agents).isEqualTo(3);
    assertThat(d.port).as("any free port by default").isZero();
    assertThat(d.parts).containsExactly(DemoCommand.Part.hadoop, DemoCommand.Part.example);
  }

  @Test
  void anUnknownPartIsOneLineNamingThePartsAndExit2() {
    StringWriter err = new StringWriter();
    CommandLine demo = CommandLines.withOneLineErrors(new CommandLine(new DemoCommand()))
        .setCaseInsensitiveEnumValuesAllowed(true).setErr(new PrintWriter(err)); // as corral runs it
    assertThat(demo.execute("--parts", "bogus")).isEqualTo(CommandLine.ExitCode.USAGE);
    assertThat(err.toString().lines()).singleElement().asString()
        .isEqualTo("demo: Invalid value for option '--parts' (PART): expected one of [example, hadoop, spark, storm] "
            + "(case-insensitive) but was 'bogus' (see 'demo --help')");
  }

  @Test
  void isACommandOfCorralListedAfterStorm() {
    assertThat(new DemoCommand().listedAfter()).isEqualTo("storm");
    assertThat(ServiceLoader.load(CorralSubcommand.class).stream().map(ServiceLoader.Provider::type))
        .contains(DemoCommand.class);
  }
}
