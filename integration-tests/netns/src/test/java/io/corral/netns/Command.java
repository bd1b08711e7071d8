package io.corral.netns;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A short system command (ip, kill) run to completion. */
record Command(List<String> argv, int exitCode, String output) {
  private static final long TIMEOUT_SECONDS = 30;

  /** Runs {@code argv}; stdout and stderr together in {@link #output}. */
  static Command run(String... argv) {
    ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
    try {
      Process p = pb.start();
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(String.join(" ", argv) + ": still running after " + TIMEOUT_SECONDS + " s");
      }
      return new Command(List.of(argv), p.exitValue(), out.strip());
    } catch (IOException e) {
      return new Command(List.of(argv), 127, e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(String.join(" ", argv) + ": interrupted", e);
    }
  }

  /** Runs {@code argv} and fails with its output unless it exits 0; returns its output. */
  static String check(String... argv) {
    Command c = run(argv);
    if (c.exitCode != 0) {
      throw new IllegalStateException("`" + String.join(" ", argv) + "` exited " + c.exitCode + ": " + c.output);
    }
    return c.output;
  }

  boolean ok() {
    return exitCode == 0;
  }
}
