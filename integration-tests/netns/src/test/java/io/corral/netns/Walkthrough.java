package io.corral.netns;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The README's multi-machine walk-through, read from README.md: its {@code sh} block as steps, each a
 * command line (continuations joined), the machines it runs on and what for, both from the comment
 * line above it ({@code # m1, m2, m3: the masters}).
 */
final class Walkthrough {
  static final String HEADING = "## Several machines: a walk-through";

  /**
   * One command of the walk-through, the machines ({@code m1}, {@code client}) it runs on and what
   * for (the rest of its comment: {@code publish the bridges' bundles to HDFS, once}).
   */
  record Step(List<String> machines, String command, String purpose) {
    boolean startsWith(String prefix) {
      return command.startsWith(prefix);
    }

    /** A step done once per cluster (its comment ends with {@code , once}), such as publishing the bundles. */
    boolean once() {
      return purpose.endsWith(", once");
    }

    /** The URI a {@code bin/corral bundle push <source> <uri>} step pushes {@code source} to, if this is one. */
    Optional<String> pushes(String source) {
      String[] words = command.split(" ");
      return words.length == 5 && command.startsWith("bin/corral bundle push ") && words[3].equals(source)
          ? Optional.of(words[4]) : Optional.empty();
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
    String purpose = null;
    StringBuilder command = new StringBuilder();
    for (int i = start + 1; i < lines.size() && !lines.get(i).equals("```"); i++) {
      String line = lines.get(i);
      if (command.isEmpty() && line.startsWith("# ")) {
        String who = line.substring(2, line.indexOf(':'));
        machines = Arrays.stream(who.split(",")).map(String::strip).toList();
        purpose = line.substring(line.indexOf(':') + 1).strip();
        continue;
      }
      if (machines == null) {
        throw new AssertionError(readme + ": '" + line + "' comes before any '# <machines>: ...' line");
      }
      String part = line.strip();
      boolean continues = part.endsWith("\\");
      command.append(command.isEmpty() ? "" : " ").append(continues ? part.substring(0, part.length() - 1).strip() : part);
      if (!continues) {
        steps.add(new Step(machines, command.toString(), purpose));
        command.setLength(0);
      }
    }
    if (steps.isEmpty()) {
      throw new AssertionError(readme + ": no commands in the sh block under '" + HEADING + "'");
    }
    return steps;
  }

  /** The URI the walk-through pushes {@code source} ({@code bridges/spark/spark-home}) to. */
  static String pushedTo(List<Step> steps, String source) {
    return steps.stream().flatMap(s -> s.pushes(source).stream()).findFirst()
        .orElseThrow(() -> new AssertionError("the walk-through pushes no bundle from " + source));
  }

  /** The walk-through's README: the build's ({@code corral.readme}), else the repository's. */
  static Path readme() {
    return Path.of(System.getProperty("corral.readme", "../../README.md")).toAbsolutePath().normalize();
  }
}
