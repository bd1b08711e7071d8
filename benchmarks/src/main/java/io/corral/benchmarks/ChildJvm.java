package io.corral.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A JVM the benchmark starts with its own classpath (simulated agents, or a master whose heap is
 * measured). Its standard error goes to ours; its standard output is read line by line. It is
 * stopped by {@link #close}, or by a shutdown hook if the benchmark exits first; the children
 * also exit by themselves when their standard input ends (the benchmark died).
 */
final class ChildJvm implements AutoCloseable {
  private static final Set<ChildJvm> LIVE = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(ChildJvm::close), "child-jvm-reaper"));
  }

  private final String name;
  private final Process process;
  private final OutputStream stdin;
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

  private ChildJvm(String name, Process process) {
    this.name = name;
    this.process = process;
    this.stdin = process.getOutputStream();
    Thread reader = new Thread(this::readLines, name + "-stdout");
    reader.setDaemon(true);
    reader.start();
  }

  /** Starts {@code mainClass} in a new JVM with this JVM's classpath and the given JVM options and arguments. */
  static ChildJvm start(String name, List<String> jvmOptions, Class<?> mainClass, List<String> args)
      throws IOException {
    return start(name, jvmOptions, System.getProperty("java.class.path"), mainClass, args);
  }

  /** Starts {@code mainClass} in a new JVM with the given classpath, JVM options and arguments. */
  static ChildJvm start(String name, List<String> jvmOptions, String classpath, Class<?> mainClass,
      List<String> args) throws IOException {
    return start(name, jvmOptions, classpath, mainClass, args, null);
  }

  /**
   * Starts {@code mainClass} in a new JVM with the given classpath, JVM options and arguments;
   * its standard error goes to {@code stderr} (appended) when not null, else to ours.
   */
  static ChildJvm start(String name, List<String> jvmOptions, String classpath, Class<?> mainClass,
      List<String> args, Path stderr) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmOptions);
    cmd.add("-cp");
    cmd.add(classpath);
    cmd.add(mainClass.getName());
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(
        stderr == null ? ProcessBuilder.Redirect.INHERIT : ProcessBuilder.Redirect.appendTo(stderr.toFile()));
    ChildJvm child = new ChildJvm(name, pb.start());
    LIVE.add(child);
    return child;
  }

  long pid() {
    return process.pid();
  }

  /** Waits for the next output line starting with {@code prefix} (other lines are echoed). */
  String await(String prefix, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      String line = left <= 0 ? null : lines.poll(Math.min(left, 200_000_000L), TimeUnit.NANOSECONDS);
      if (line != null && line.startsWith(prefix)) {
        return line;
      }
      if (line != null) {
        System.out.println("[" + name + "] " + line);
      } else if (!process.isAlive()) {
        throw new IllegalStateException(name + " exited with status " + process.exitValue()
            + " before printing " + prefix);
      } else if (left <= 0) {
        throw new IllegalStateException(name + " printed no " + prefix + " line within " + timeout);
      }
    }
  }

  /** Sends one line to the child's standard input. */
  void send(String line) throws IOException {
    stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
    stdin.flush();
  }

  /** SIGKILL: the child dies at once, without running its shutdown hooks. */
  void kill() {
    process.destroyForcibly();
  }

  /** SIGTERM: the child runs its shutdown hooks (a master closes its ZooKeeper session). */
  void terminate() {
    process.destroy();
  }

  /** Waits for the child to end; its exit status, or -1 if it is still running after the timeout. */
  int waitFor(Duration timeout) throws InterruptedException {
    return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
  }

  /** CPU time the child has used so far (user + system), or -1 if unknown. */
  long cpuNanos() {
    return process.info().totalCpuDuration().map(Duration::toNanos).orElse(-1L);
  }

  private void readLines() {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        lines.add(line);
      }
    } catch (IOException e) {
      // the child is gone
    }
  }

  /** Closes its standard input (it exits on its own), then kills it if it lingers. */
  @Override
  public void close() {
    LIVE.remove(this);
    try {
      stdin.close();
    } catch (IOException e) {
      // already gone
    }
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroy();
        if (!process.waitFor(3, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          process.waitFor(3, TimeUnit.SECONDS);
        }
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
