package io.corral.local;

import io.corral.common.net.HostPort;
import io.corral.common.process.ProcessTree;
import io.corral.common.resources.Resources;
import io.corral.daemon.AgentCommand;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An agent running as a separate {@code corral agent} process ({@link AgentCommand}, or the main
 * the builder names). It can be killed (SIGKILL) and started again on the same work dir, where it
 * recovers its checkpoint.
 */
public final class ProcessAgent implements LocalAgent {
  private static final Pattern READY = Pattern.compile("agent: (\\S+) registered with (\\S+)");

  private final int index;
  private final Process process;
  private final Path log;
  private final HostPort master;
  private final Path dir;
  private final Resources resources;
  private final LocalCluster.Builder b;
  private final List<ProcessHandle> orphans = new ArrayList<>();

  private ProcessAgent(int index, Process process, Path log, HostPort master, Path dir, Resources resources,
      LocalCluster.Builder b) {
    this.index = index;
    this.process = process;
    this.log = log;
    this.master = master;
    this.dir = dir;
    this.resources = resources;
    this.b = b;
  }

  static ProcessAgent start(int index, HostPort master, Path dir, Resources resources, LocalCluster.Builder b)
      throws IOException {
    Files.createDirectories(dir);
    List<String> cmd = new ArrayList<>();
    cmd.add(b.javaCommand);
    cmd.addAll(b.agentJvmOptions);
    String logConfig = System.getProperty("logback.configurationFile");
    if (logConfig != null) {
      cmd.add("-Dlogback.configurationFile=" + logConfig);
    }
    cmd.addAll(List.of("-cp", b.classpath));
    cmd.addAll(b.agentMain);
    // One machine: listening on and advertising loopback, as the master does (its agents warn that other
    // machines cannot reach them there).
    cmd.addAll(List.of("--master", master.toString(), "--host", "127.0.0.1", "--port", "0",
        "--work-dir", dir.toString(), "--resources", resources.toString(), "--shutdown-executors-on-exit"));
    cmd.addAll(b.agentArgs);
    Path log = dir.resolve("agent.log");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    return new ProcessAgent(index, pb.start(), log, master, dir, resources, b);
  }

  /**
   * Starts the agent again on the same work dir (after {@link #kill}), with the same flags and
   * the given resources. The new process inherits the executors left behind, for clean-up.
   */
  ProcessAgent restart(Resources newResources) throws IOException {
    if (process.isAlive()) {
      throw new IllegalStateException("agent " + index + " still runs (pid " + process.pid() + ")");
    }
    ProcessAgent next = start(index, master, dir, newResources, b);
    next.orphans.addAll(orphans);
    return next;
  }

  public Resources resources() {
    return resources;
  }

  /** The exit status once the process has ended. */
  public java.util.OptionalInt exitCode() {
    return process.isAlive() ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(process.exitValue());
  }

  /** Waits for the process to end; returns its exit status. */
  public int awaitExit(Duration within) throws InterruptedException {
    if (!process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException("agent " + index + " still runs after " + within);
    }
    return process.exitValue();
  }

  /** Sends a signal by name ("STOP", "CONT", ...) to the agent process. */
  public void signal(String name) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start();
    if (kill.waitFor() != 0) {
      throw new IOException("kill -" + name + " " + process.pid() + " failed");
    }
  }

  @Override
  public int index() {
    return index;
  }

  /**
   * The id in the agent's latest registration line (the log is shared by restarts; a new id
   * follows when the master removed the agent and it registered anew); null before the first.
   */
  @Override
  public String agentId() {
    try {
      Matcher m = READY.matcher(Files.readString(log));
      String id = null;
      while (m.find()) {
        id = m.group(1);
      }
      return id;
    } catch (IOException e) {
      return null;
    }
  }

  public long pid() {
    return process.pid();
  }

  public Path log() {
    return log;
  }

  @Override
  public void checkAlive() {
    if (!process.isAlive() && orphans.isEmpty()) {
      throw new IllegalStateException("agent " + index + " exited with status " + process.exitValue()
          + "; see " + log);
    }
  }

  @Override
  public void stop() {
    if (process.isAlive()) {
      process.destroy(); // SIGTERM: the agent stops its executors (--shutdown-executors-on-exit)
      try {
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
          ProcessTree.kill(process.toHandle(), Duration.ZERO).join();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    for (ProcessHandle p : orphans) {
      ProcessTree.kill(p, Duration.ZERO).join();
    }
  }

  @Override
  public void kill() {
    // Remember the executors: once the agent is dead they are nobody's children.
    List<ProcessHandle> tree = ProcessTree.snapshot(process.toHandle());
    orphans.addAll(tree.subList(1, tree.size()));
    process.destroyForcibly();
    try {
      process.waitFor(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
