package io.corral.spark;

import java.util.List;
import java.util.Set;

/**
 * One line from what the agent reported of a failed executor, for the driver's error: the agent's
 * words ("executor exited with status 1") and, from the tail of its stderr that follows them, the
 * line that tells the error ({@code NoClassDefFoundError: org/slf4j/LoggerFactory}, the JVM's
 * "Error opening zip file ..."), not a stack trace.
 */
final class ExecutorError {
  private static final String STDERR = "; stderr: ";
  private static final int MAX_CHARS = 500;
  /** What the JVM says after any error of its start: never the error itself. */
  private static final Set<String> JVM_EPILOGUE = Set.of(
      "Error: Could not create the Java Virtual Machine.",
      "Error: A fatal exception has occurred. Program will exit.",
      "Error occurred during initialization of VM");

  private ExecutorError() {}

  /** The status message as one line (at most {@value #MAX_CHARS} characters). */
  static String oneLine(String message) {
    int at = message.indexOf(STDERR);
    String line = firstLine(at < 0 ? message : message.substring(0, at));
    String stderr = at < 0 ? "" : telling(message.substring(at + STDERR.length()));
    if (!stderr.isEmpty()) {
      line = line + ": " + stderr;
    }
    return line.length() <= MAX_CHARS ? line : line.substring(0, MAX_CHARS - 3) + "...";
  }

  /**
   * Of a stderr tail, the last line naming an error or exception, else the last line; stack
   * frames, a line cut by the tail's start ("...") and the JVM's closing words left out.
   */
  static String telling(String tail) {
    List<String> lines = tail.lines().map(String::strip).toList();
    String last = "";
    String lastError = null;
    for (int i = 0; i < lines.size(); i++) {
      String l = lines.get(i);
      if (l.isEmpty() || (i == 0 && l.startsWith("...")) || l.startsWith("at ") || l.matches("\\.\\.\\. \\d+ more")
          || JVM_EPILOGUE.contains(l)) {
        continue;
      }
      last = l;
      if (l.contains("Error") || l.contains("Exception")) {
        lastError = l;
      }
    }
    return lastError != null ? lastError : last;
  }

  private static String firstLine(String s) {
    String stripped = s.strip();
    int nl = stripped.indexOf('\n');
    return nl < 0 ? stripped : stripped.substring(0, nl).strip();
  }
}
