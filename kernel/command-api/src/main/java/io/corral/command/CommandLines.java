package io.corral.command;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;
import org.slf4j.MarkerFactory;
import picocli.CommandLine;

/**
 * How every {@code corral} command line reports what goes wrong: one line on stderr, never a stack
 * trace. A command line picocli cannot take, or a value the command cannot use, exits 2; a failure
 * while the command runs exits 1 (or a {@link CliException}'s own code).
 */
public final class CommandLines {
  /**
   * The log event of a failure a command has reported on stderr already, in one line: it carries
   * the stack trace into the daemon's log file, and consoles leave it out (but for {@code --verbose}).
   */
  public static final Marker REPORTED = MarkerFactory.getMarker("CORRAL_REPORTED");

  private static final Logger LOG = LoggerFactory.getLogger(CommandLines.class);

  private CommandLines() {}

  /**
   * {@code cli} with the house rules: a command line picocli cannot take is one line on stderr and
   * exit 2 ({@link #badCommandLine}); anything a command throws is one line and its exit code
   * ({@link #failure}).
   */
  public static CommandLine withOneLineErrors(CommandLine cli) {
    cli.setParameterExceptionHandler(CommandLines::badCommandLine);
    cli.setExecutionExceptionHandler(CommandLines::failure);
    return cli;
  }

  /**
   * Whatever a command threw, as {@code <command>: <reason>} on stderr ({@link Failure}); returns
   * the exit code. The exception, with its stack trace, is logged marked {@link #REPORTED}.
   */
  public static int failure(Exception e, CommandLine commandLine, CommandLine.ParseResult parsed) {
    Failure f = Failure.of(e);
    String line = commandLine.getCommandSpec().qualifiedName() + ": " + f.line();
    LOG.error(REPORTED, line, e instanceof CliException ? null : e);
    commandLine.getErr().println(line);
    commandLine.getErr().flush();
    return f.exitCode();
  }

  /**
   * A command line picocli could not take: one line on stderr (what is wrong, picocli's "did you
   * mean" suggestions, where to look) and exit 2, instead of the whole usage text.
   */
  public static int badCommandLine(CommandLine.ParameterException e, String[] args) {
    CommandLine c = e.getCommandLine();
    StringBuilder line = new StringBuilder(c.getCommandSpec().qualifiedName()).append(": ");
    if (e instanceof CommandLine.UnmatchedArgumentException u && !c.getSubcommands().isEmpty()
        && !u.getUnmatched().isEmpty() && !u.getUnmatched().get(0).startsWith("-")) {
      line.append("'").append(u.getUnmatched().get(0)).append("' is not a command of ")
          .append(c.getCommandSpec().qualifiedName());
    } else {
      line.append(e.getMessage());
    }
    if (e instanceof CommandLine.UnmatchedArgumentException u && !u.getSuggestions().isEmpty()) {
      line.append("; did you mean ").append(String.join(" or ", u.getSuggestions())).append('?');
    }
    line.append(" (see '").append(c.getCommandSpec().qualifiedName()).append(" --help')");
    c.getErr().println(Failure.oneLine(line.toString()));
    c.getErr().flush();
    return CommandLine.ExitCode.USAGE;
  }
}
