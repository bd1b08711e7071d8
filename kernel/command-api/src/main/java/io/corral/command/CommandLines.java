package io.corral.command;

import picocli.CommandLine;

/** How every {@code corral} command line reports what goes wrong: one line, never a stack trace. */
public final class CommandLines {
  private CommandLines() {}

  /**
   * {@code cli} with the house rules: a command line picocli cannot take is one line on stderr and
   * exit 2 ({@link #badCommandLine}); a {@link CliException} is one line and its exit code.
   */
  public static CommandLine withOneLineErrors(CommandLine cli) {
    cli.setParameterExceptionHandler(CommandLines::badCommandLine);
    cli.setExecutionExceptionHandler(CommandLines::failure);
    return cli;
  }

  /** A {@link CliException} as {@code <command>: <message>} on stderr; anything else is rethrown. */
  public static int failure(Exception e, CommandLine commandLine, CommandLine.ParseResult parsed) throws Exception {
    if (e instanceof CliException c) {
      System.err.println(commandLine.getCommandSpec().qualifiedName() + ": " + c.getMessage());
      return c.exitCode();
    }
    throw e;
  }

  /**
   * A command line picocli could not take: one line on stderr (what is wrong, picocli's "did you
   * mean" suggestions, where to look) and exit 2, instead of the whole usage text.
   */
  public static int badCommandLine(CommandLine.ParameterException e, String[] args) {
    CommandLine c = e.getCommandLine();
    StringBuilder line = new StringBuilder(c.getCommandSpec().qualifiedName()).append(": ").append(e.getMessage());
    if (e instanceof CommandLine.UnmatchedArgumentException u && !u.getSuggestions().isEmpty()) {
      line.append("; did you mean ").append(String.join(" or ", u.getSuggestions())).append('?');
    }
    line.append(" (see '").append(c.getCommandSpec().qualifiedName()).append(" --help')");
    c.getErr().println(line.toString().replace('\n', ' '));
    return CommandLine.ExitCode.USAGE;
  }
}
