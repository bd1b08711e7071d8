package io.corral.netns;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The README's multi-machine walk-through, read from README.md: its {@code sh} block as steps, each a
 * command line (continuations joined) and the machines it runs on, named by the comment line above
 * it ({@code # m1, m2, m3: the masters}).
 */
final class Walkthrough {
  static final String HEADING = "## Several machines: a walk-through";

  /** One command of the walk-through and the machines ({@code m1}, {@code client}) it runs on. */
  record Step(List<String> machines, String command) {
    boolean startsWith(String prefix) {
      return command.startsWith(prefix);
    }
  }

  private Walkthrough() {}

  /** The steps of the walk-through in {@code readme}. */
  static List<Step> read(Path readme) throws IOException {
    List<String> lines = Files.readAllLines(readme);
    int heading = lines.indexOf(HEADING);
    if (heading < 0) {
      throw new AssertionError(readme + " has no heading '" + HEADING + "'");
    }
    int start = heading + 1;
    while (start < lines.size() && !lines.get(start).equals("```sh")) {
      start++;
    }
    List<Step> steps = new ArrayList<>();
    List<String> machines = null;
    StringBuilder command = new StringBuilder();
    for (int i = start + 1; i < lines.size() && !lines.get(i).equals("```"); i++) {
      String line = lines.get(i);
      if (command.isEmpty() && line.startsWith("# ")) {
        String who = line.substring(2, line.indexOf(':'));
        machines = Arrays.stream(who.split(",")).map(String::strip).toList();
        continue;
      }
      if (machines == null) {
        throw new AssertionError(readme + ": '" + line + "' comes before any '# <machines>: ...' line");
      }
      String part = line.strip();
      boolean continues = part.endsWith("\\");
      command.append(command.isEmpty() ? "" : " ").append(continues ? part.substring(0, part.length() - 1).strip() : part);
      if (!continues) {
        steps.add(new Step(machines, command.toString()));
        command.setLength(0);
      }
    }
    if (steps.isEmpty()) {
      throw new AssertionError(readme + ": no commands in the sh block under '" + HEADING + "'");
    }
    return steps;
  }
}
