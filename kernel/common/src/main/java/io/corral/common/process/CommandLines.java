package io.corral.common.process;

import io.corral.protocol.CommandInfo;
import java.util.ArrayList;
import java.util.List;

/** The argv a {@link CommandInfo} stands for. */
public final class CommandLines {
  private CommandLines() {}

  /**
   * With {@code shell} (the default): {@code /bin/sh -c <value>}. Without: {@code value} is
   * the program and {@code arguments} its argv, {@code arguments[0]} being its name as with
   * execve (the program is {@code arguments[0]} when {@code value} is empty).
   */
  /** {@code s} as one word of a POSIX shell command: single-quoted, its own quotes escaped. */
  public static String quote(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
  }

  public static List<String> argv(CommandInfo command) {
    boolean shell = !command.hasShell() || command.getShell();
    if (shell) {
      return List.of("/bin/sh", "-c", command.getValue());
    }
    List<String> argv = new ArrayList<>();
    argv.add(command.getValue().isEmpty() ? command.getArguments(0) : command.getValue());
    for (int i = 1; i < command.getArgumentsCount(); i++) {
      argv.add(command.getArguments(i));
    }
    return argv;
  }
}
