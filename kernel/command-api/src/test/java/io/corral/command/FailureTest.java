package io.corral.command;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** What a failure that ends a command says, and its exit code. */
class FailureTest {

  @Test
  void aPortInUseIsTheReasonAndWhatToDoWithoutTheNativeDetails() {
    IOException netty = new IOException("bind(..) failed with error(-98): Address already in use");
    IOException grpc = new IOException("Failed to bind to address /127.0.0.1:5050", netty);
    BindException ours = new BindException("cannot listen on 127.0.0.1:5050: the port is already in use");
    ours.initCause(grpc);
    Failure f = Failure.of(new IOException("HTTP API: " + ours.getMessage(), ours));
    assertThat(f.exitCode()).isEqualTo(1);
    assertThat(f.line()).isEqualTo("HTTP API: cannot listen on 127.0.0.1:5050: the port is already in use"
        + " (another process listens there: stop it, or choose another port)");
  }

  @Test
  void causesAddWhatTheirParentsDoNotSay() {
    Failure f = Failure.of(new IllegalStateException("could not start the agent",
        new IOException("work dir /var/lib/corral: read-only file system")));
    assertThat(f.line()).isEqualTo("could not start the agent: work dir /var/lib/corral: read-only file system");
    assertThat(Failure.of(new IllegalStateException("a: b", new IOException("b"))).line()).isEqualTo("a: b");
  }

  @Test
  void badInputIsExit2AndRuntimeFailuresExit1() {
    assertThat(Failure.of(new IllegalArgumentException("unsupported master 'zk2://x'")))
        .isEqualTo(new Failure("unsupported master 'zk2://x'", 2));
    assertThat(Failure.of(new NumberFormatException("For input string: \"abc\"")).exitCode()).isEqualTo(2);
    assertThat(Failure.of(new IOException("disk full")).exitCode()).isEqualTo(1);
    assertThat(Failure.of(new CliException(3, "lost its session"))).isEqualTo(new Failure("lost its session", 3));
  }

  @Test
  void filesThatAreMissingOrUnreadableAreNamed() {
    assertThat(Failure.of(new UncheckedIOException(new NoSuchFileException("/etc/corral/acls.json"))).line())
        .isEqualTo("no such file /etc/corral/acls.json (check the path)");
    assertThat(Failure.of(new AccessDeniedException("/etc/corral/credentials")).line())
        .isEqualTo("permission denied: /etc/corral/credentials (check its owner and permissions)");
  }

  @Test
  void aMessageOfSeveralLinesIsOneLine() {
    assertThat(Failure.of(new IOException("HTTP status code 404\n  missing content-type\r\ntrailers: x")).line())
        .isEqualTo("HTTP status code 404 missing content-type trailers: x");
  }

  @Test
  void anExceptionWithoutAMessageIsADefectAndSaysWhereTheTraceIs() {
    Failure f = Failure.of(new NullPointerException());
    assertThat(f.exitCode()).isEqualTo(1);
    assertThat(f.line()).isEqualTo("internal error: java.lang.NullPointerException"
        + " (corral --verbose shows the stack trace; please report it)");
  }

  @Command(name = "fails")
  static final class Fails implements Callable<Integer> {
    @Override
    public Integer call() throws IOException {
      BindException e = new BindException("cannot listen on 0.0.0.0:5050: the port is already in use");
      e.initCause(new IOException("native"));
      throw e;
    }
  }

  @Test
  void aCommandThatThrowsPrintsOneLineNamedAfterItself() {
    StringWriter err = new StringWriter();
    CommandLine cli = CommandLines.withOneLineErrors(new CommandLine(new Fails()));
    cli.setErr(new PrintWriter(err));
    assertThat(cli.execute()).isEqualTo(1);
    assertThat(err.toString()).isEqualTo("fails: cannot listen on 0.0.0.0:5050: the port is already in use"
        + " (another process listens there: stop it, or choose another port)" + System.lineSeparator());
  }
}
