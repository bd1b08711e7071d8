package io.corral.local;

import io.corral.common.net.HostPort;
import io.corral.common.process.ProcessTree;
import io.corral.common.resources.Resources;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** An agent running as a separate {@code corral agent} process. */
final class ProcessAgent implements LocalAgent {
  /** The {@code corral} command's main class (the CLI module; on the classpath at run time). */
  static final String CORRAL_MAIN = "io.corral.cli.CorralMain";
  private static final Pattern READY = Pattern.compile("agent: (\\S+) registered with (\\S+)");

  private final int index;
  private final Process process;
  private final Path log;
  private final List<ProcessHandle> orphans = new ArrayList<>();
  private volatile String agentId;

  private ProcessAgent(int index, Process process, Path log) {
    this.index = index;
    this.process = process;
    this.log = log;
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
    cmd.addAll(List.of("-cp", b.classpath, CORRAL_MAIN, "agent", "--master", master.toString(), "--port", "0",
        "--work-dir", dir.toString(), "--resources", resources.toString(), "--shutdown-executors-on-exit"));
    cmd.addAll(b.agentArgs);
    Path log = dir.resolve("agent.log");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    return new ProcessAgent(index, pb.start(), log);
  }

  @Override
  public int index() {
    return index;
  }

  @Override
  public String agentId() {
    if (agentId == null) {
      try {
        Matcher m = READY.matcher(Files.readString(log));
        if (m.find()) {
          agentId = m.group(1);
        }
      } catch (IOException e) {
        return null;
      }
    }
    return agentId;
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
    orphans.addAll(ProcessTree.snapshot(process.toHandle()));
    orphans.remove(0);
    process.destroyForcibly();
    try {
      process.waitFor(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
