package io.corral.frameworks.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.corral.command.CliException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** The command line every framework's process shares, checked into its settings. */
class FrameworkOptionsTest {
  @Command(name = "notes")
  static final class NotesCommand {
    @Mixin FrameworkOptions options;
  }

  private final ByteArrayOutputStream printed = new ByteArrayOutputStream();

  private FrameworkSettings settings(String... args) {
    NotesCommand c = new NotesCommand();
    new CommandLine(c).parseArgs(args);
    return c.options.settings("notes", 8080, new PrintStream(printed, true, StandardCharsets.UTF_8));
  }

  @Test
  void aZooKeeperWithoutAPathGetsTheFrameworksOwnAndTheAdvertisedHostIsWhatItWasTold() {
    FrameworkSettings s = settings("--master", "zk://10.0.0.1:2181/corral", "--zk", "zk://10.0.0.1:2181,10.0.0.2:2181",
        "--host", "127.0.0.1", "--hostname", "10.0.0.5", "--http-port", "0", "--role", "eng/web");
    assertThat(s.zk().connectString()).isEqualTo("10.0.0.1:2181,10.0.0.2:2181");
    assertThat(s.zk().path()).isEqualTo("/corral-notes");
    assertThat(s.bindHost()).isEqualTo("127.0.0.1");
    assertThat(s.advertiseHost()).isEqualTo("10.0.0.5");
    assertThat(s.httpPort()).isZero();
    assertThat(s.role()).isEqualTo("eng/web");
    assertThat(s.frameworkName()).isEqualTo("notes");
    assertThat(s.failoverTimeout()).isEqualTo(Duration.ofDays(7));
    assertThat(printed.toString(StandardCharsets.UTF_8)).isEqualTo("advertising 10.0.0.5 (--advertise-host); "
        + "listening on 127.0.0.1" + System.lineSeparator());
  }

  @Test
  void withoutZooKeeperTheStateIsInTheWorkDirAndTheFrameworksPortIsTheDefault() {
    FrameworkSettings s = settings("--master", "10.0.0.1:5050", "--host", "127.0.0.1", "--framework-name", "marathon",
        "--failover-timeout", "1h");
    assertThat(s.zk()).isNull();
    assertThat(s.workDir()).isEqualTo(Path.of("corral-notes"));
    assertThat(s.httpPort()).isEqualTo(8080);
    assertThat(s.frameworkName()).isEqualTo("marathon");
    assertThat(s.failoverTimeout()).isEqualTo(Duration.ofHours(1));
    assertThat(settings("--master", "10.0.0.1:5050", "--zk", "zk://10.0.0.1:2181/mine", "--host", "127.0.0.1")
        .zk().path()).isEqualTo("/mine");
  }

  @Test
  void badValuesAreUsageErrorsOfOneLine() {
    assertThatThrownBy(() -> settings("--master", "10.0.0.1:5050", "--host", "127.0.0.1", "--zk-secret-file", "/x"))
        .isInstanceOfSatisfying(CliException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCodes.USAGE))
        .hasMessage("--zk-secret-file needs --zk");
    assertThatThrownBy(() -> settings("--master", "10.0.0.1:5050", "--host", "127.0.0.1", "--role", "/eng"))
        .isInstanceOf(CliException.class).hasMessageContaining("may not start or end with '/'");
    assertThatThrownBy(() -> settings("--master", "nowhere", "--host", "127.0.0.1"))
        .isInstanceOf(CliException.class);
    assertThatThrownBy(() -> settings("--master", "10.0.0.1:5050", "--host", "127.0.0.1", "--http-port", "70000"))
        .isInstanceOf(CliException.class).hasMessageContaining("70000");
    assertThatThrownBy(() -> settings("--master", "10.0.0.1:5050", "--advertise-host", "0.0.0.0"))
        .isInstanceOf(CliException.class).hasMessageContaining("wildcard");
  }
}
