package io.corral.it;

import io.corral.common.process.ProcessTree;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A {@code corral ...} command run as a separate process with the test's classpath. */
final class CorralProcess implements AutoCloseable {
  private final Process process;
  private final List<String> stdout = new CopyOnWriteArrayList<>();
  private final List<ProcessHandle> tree = new ArrayList<>();
  private final Thread reader;

  private CorralProcess(Process process) {
    this.process = process;
    this.reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          stdout.add(line);
        }
      } catch (IOException e) {
        // process gone
      }
    }, "stdout-" + process.pid());
    reader.setDaemon(true);
    reader.start();
  }

  /** Starts {@code corral <args>}; stderr (logs) goes to {@code log}. */
  static CorralProcess start(Path log, String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp",
        System.getProperty("java.class.path"), "io.corral.cli.CorralMain"));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
    return new CorralProcess(pb.start());
  }

  /** Waits for a line of stdout matching {@code regex}; returns the match. */
  Matcher awaitLine(String regex, Duration within) {
    Pattern p = Pattern.compile(regex);
    long deadline = System.nanoTime() + within.toNanos();
    int seen = 0;
    while (System.nanoTime() < deadline) {
      for (; seen < stdout.size(); seen++) {
        Matcher m = p.matcher(stdout.get(seen));
        if (m.matches()) {
          return m;
        }
      }
      if (!process.isAlive() && seen >= stdout.size()) {
        throw new AssertionError("process exited (" + process.exitValue() + ") before printing /" + regex
            + "/; stdout: " + stdout);
      }
      try {
        process.waitFor(20, TimeUnit.MILLISECONDS); // wakes early when the process ends
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
    throw new AssertionError("no line /" + regex + "/ within " + within + "; stdout: " + stdout);
  }

  /** Waits for the process to exit; returns its exit code. */
  int awaitExit(Duration within) throws InterruptedException {
    if (!process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("still running after " + within + "; stdout: " + stdout);
    }
    return process.exitValue();
  }

  List<String> stdout() {
    return stdout;
  }

  /** All of stdout, once the process has closed it (it exited). */
  List<String> wholeStdout(Duration within) throws InterruptedException {
    reader.join(within.toMillis());
    if (reader.isAlive()) {
      throw new AssertionError("stdout still open after " + within);
    }
    return stdout;
  }

  boolean isAlive() {
    return process.isAlive();
  }

  long pid() {
    return process.pid();
  }

  /** SIGKILL, and wait for it to be gone. */
  void kill() throws InterruptedException {
    tree.addAll(ProcessTree.snapshot(process.toHandle()));
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** Sends a signal by name (STOP, CONT, ...). */
  void signal(String name) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start();
    if (kill.waitFor() != 0) {
      throw new IOException("kill -" + name + " " + process.pid() + " failed");
    }
  }

  /** Everything the process started (snapshot; for checking the cleanup). */
  List<ProcessHandle> descendants() {
    List<ProcessHandle> out = new ArrayList<>();
    process.toHandle().descendants().forEach(out::add);
    tree.addAll(out);
    return out;
  }

  void terminate() {
    process.destroy(); // SIGTERM, as Ctrl-C or a supervisor would
  }

  @Override
  public void close() {
    tree.addAll(ProcessTree.snapshot(process.toHandle()));
    process.destroy();
    try {
      process.waitFor(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (ProcessHandle p : tree) {
      ProcessTree.kill(p, Duration.ZERO).join();
    }
  }
}
