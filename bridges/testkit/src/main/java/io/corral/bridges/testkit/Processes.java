package io.corral.bridges.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Processes the tests start or look for (drivers, clients, executors), read from /proc. */
public final class Processes {
  private Processes() {}

  /** The whole command line (ProcessHandle.Info cuts long ones, and classpaths are long). */
  public static String commandLine(ProcessHandle p) {
    try {
      return new String(Files.readAllBytes(Path.of("/proc", Long.toString(p.pid()), "cmdline")),
          StandardCharsets.UTF_8).replace('\0', ' ');
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      return p.info().commandLine().orElse("");
    }
  }

  /** The process's working directory, or "" when it cannot be read (or the process is gone). */
  public static String cwd(ProcessHandle p) {
    try {
      return Files.readSymbolicLink(Path.of("/proc", Long.toString(p.pid()), "cwd")).toString();
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      return "";
    }
  }

  /**
   * Waits up to {@code minutes} for {@code p} to end and returns its exit code; kills it and its
   * descendants in any case.
   *
   * @param what what the process is, for the failure message (which names {@code log})
   */
  /** Kills each process and all its descendants, at once (SIGKILL). */
  public static void killAll(Iterable<Process> processes) {
    for (Process p : processes) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
  }

  public static int await(Process p, int minutes, String what, Path log) throws InterruptedException {
    try {
      if (!p.waitFor(minutes, TimeUnit.MINUTES)) {
        throw new AssertionError(what + " did not end within " + minutes + " minutes; see " + log);
      }
      return p.exitValue();
    } finally {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
  }
}
