package io.corral.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A process the demo starts (a Hadoop client, a Spark driver, a Nimbus, a topology's main), its
 * output in a log file. Closing it stops it and every process it started (TERM, then KILL).
 */
final class ChildProcess implements AutoCloseable {
  private final String what;
  private final Process process;
  private final Path log;

  private ChildProcess(String what, Process process, Path log) {
    this.what = what;
    this.process = process;
    this.log = log;
  }

  static ChildProcess start(String what, List<String> command, Path log, Map<String, String> env, Path dir)
      throws IOException {
    Files.createDirectories(log.getParent());
    Files.createDirectories(dir);
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    pb.environment().putAll(env);
    return new ChildProcess(what, pb.start(), log);
  }

  static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  Path log() {
    return log;
  }

  /** Its exit code, or throws when it has not ended within {@code timeout} (and stops it). */
  int awaitExit(Duration timeout) throws InterruptedException, DemoFailure {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      close();
      throw new DemoFailure(what + " did not end within " + DemoFormat.seconds(timeout) + "; see " + log);
    }
    return process.exitValue();
  }

  /** The first match of {@code line} in its output, waiting up to {@code timeout} for it. */
  Matcher awaitLine(Pattern line, Duration timeout) throws InterruptedException, IOException, DemoFailure {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Matcher m = find(line);
      if (m != null) {
        return m;
      }
      if (!process.isAlive()) {
        throw new DemoFailure(what + " exited (" + process.exitValue() + ") before it was ready; see " + log);
      }
      if (System.nanoTime() > deadline) {
        throw new DemoFailure(what + " was not ready within " + DemoFormat.seconds(timeout) + "; see " + log);
      }
      Thread.sleep(100); // polling its log file for the line
    }
  }

  /** The first match of {@code line} in its output so far, or null. */
  Matcher find(Pattern line) throws IOException {
    for (String l : Files.readAllLines(log, java.nio.charset.StandardCharsets.ISO_8859_1)) {
      Matcher m = line.matcher(l);
      if (m.find()) {
        return m;
      }
    }
    return null;
  }

  /** Stops it and everything it started: TERM, up to 15 s to exit, then KILL. */
  @Override
  public void close() {
    List<ProcessHandle> tree = process.descendants().toList();
    process.destroy();
    tree.forEach(ProcessHandle::destroy);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    for (ProcessHandle h : concat(process.toHandle(), tree)) {
      long left = deadline - System.nanoTime();
      try {
        h.onExit().get(Math.max(1, left), TimeUnit.NANOSECONDS);
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
        h.destroyForcibly();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        h.destroyForcibly();
      }
    }
  }

  private static List<ProcessHandle> concat(ProcessHandle first, List<ProcessHandle> rest) {
    java.util.ArrayList<ProcessHandle> all = new java.util.ArrayList<>();
    all.add(first);
    all.addAll(rest);
    return all;
  }
}
