package io.corral.netns;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A process run in a {@link Host}'s namespace: its stdout kept line by line (the daemons' readiness
 * lines), its stderr (the log) in a file whose tail failure messages show.
 */
final class Daemon implements AutoCloseable {
  private static final int TAIL_LINES = 25;

  private final String name;
  private final Host host;
  private final Process process;
  private final Path log;
  private final List<String> stdout = new CopyOnWriteArrayList<>();

  private Daemon(String name, Host host, Process process, Path log) {
    this.name = name;
    this.host = host;
    this.process = process;
    this.log = log;
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          stdout.add(line);
        }
      } catch (IOException e) {
        // the process is gone
      }
    }, "stdout-" + name);
    reader.setDaemon(true);
    reader.start();
  }

  /** Starts {@code argv} in {@code host}'s namespace with {@code env} added; its stderr goes to {@code log}. */
  static Daemon start(String name, Host host, List<String> argv, Map<String, String> env, Path log) throws IOException {
    Files.createDirectories(log.getParent());
    ProcessBuilder pb = new ProcessBuilder(host.command(argv))
        .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.environment().putAll(env);
    Process p = pb.start();
    p.getOutputStream().close();
    return new Daemon(name, host, p, log);
  }

  String name() {
    return name;
  }

  Host host() {
    return host;
  }

  boolean isAlive() {
    return process.isAlive();
  }

  List<String> stdout() {
    return stdout;
  }

  /** Waits for a line of stdout matching {@code regex}; returns the match. */
  Matcher awaitLine(String regex, Duration within) {
    Pattern p = Pattern.compile(regex);
    long deadline = System.nanoTime() + within.toNanos();
    int seen = 0;
    while (true) {
      for (; seen < stdout.size(); seen++) {
        Matcher m = p.matcher(stdout.get(seen));
        if (m.matches()) {
          return m;
        }
      }
      if (!process.isAlive() && seen >= stdout.size()) {
        throw new AssertionError(this + " exited (" + process.exitValue() + ") before printing /" + regex + "/\n"
            + describe());
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(this + " printed no line /" + regex + "/ within " + within + "\n" + describe());
      }
      try {
        process.waitFor(20, TimeUnit.MILLISECONDS); // wakes early when the process ends
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  /** Waits for the process to exit; returns its exit code. */
  int awaitExit(Duration within) throws InterruptedException {
    if (!process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError(this + " still runs after " + within + "\n" + describe());
    }
    return process.exitValue();
  }

  /** Its state, stdout and the tail of its log: for failure messages. */
  String describe() {
    StringBuilder b = new StringBuilder("---- ").append(this).append(": ")
        .append(process.isAlive() ? "running" : "exited " + process.exitValue()).append(", stdout ").append(stdout)
        .append(", last lines of ").append(log).append(":\n");
    try {
      List<String> lines = Files.readAllLines(log);
      lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size()).forEach(l -> b.append("  ").append(l).append('\n'));
    } catch (IOException e) {
      b.append("  (unreadable: ").append(e.getMessage()).append(")\n");
    }
    return b.toString();
  }

  /** SIGTERM, then SIGKILL if it has not ended within {@code grace}. */
  void stop(Duration grace) {
    process.destroy();
    try {
      if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    stop(Duration.ofSeconds(10));
  }

  @Override
  public String toString() {
    return name + " on " + host;
  }
}
