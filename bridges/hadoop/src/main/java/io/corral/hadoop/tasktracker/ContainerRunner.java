package io.corral.hadoop.tasktracker;

import io.corral.common.process.ProcessTree;
import io.corral.executor.ExecutorDriver;
import io.corral.hadoop.common.ContainerSpec;
import io.corral.hadoop.common.CorralMr;
import io.corral.protocol.TaskInfo;
import io.corral.protocol.TaskState;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.mapred.ShuffleHandler;
import org.apache.hadoop.yarn.api.ApplicationConstants.Environment;
import org.apache.hadoop.yarn.api.records.ApplicationId;
import org.apache.hadoop.yarn.api.records.ContainerId;
import org.apache.hadoop.yarn.api.records.ContainerLaunchContext;
import org.apache.hadoop.yarn.api.records.LocalResource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one container as the NodeManager would: localizes its resources, writes its tokens and a
 * {@code launch_container.sh} with YARN's environment, starts it, and reports the Corral task's
 * states (RUNNING carries the shuffle port; FINISHED, FAILED or KILLED at its end).
 */
final class ContainerRunner {
  private static final Logger LOG = LoggerFactory.getLogger(ContainerRunner.class);

  interface Localizers {
    Localizer forApp(ApplicationId appId, String user, ByteBuffer shuffleSecret);
  }

  interface Reporter {
    void report(ExecutorDriver driver, String taskId, TaskState state, String message, byte[] data);
  }

  /** What a NodeManager on Java 17 puts for {@code <ADD_OPENS>} (ContainerLaunch). */
  private static final String ADD_OPENS = "--add-opens=java.base/java.lang=ALL-UNNAMED"
      + " --add-exports=java.base/sun.net.dns=ALL-UNNAMED --add-exports=java.base/sun.net.util=ALL-UNNAMED";

  private final TaskInfo task;
  private final Path root;
  private final Configuration conf;
  private final Localizers localizers;
  private final Reporter reporter;
  private volatile Process process;
  private volatile boolean killed;

  ContainerRunner(TaskInfo task, Path root, Configuration conf, Localizers localizers, Reporter reporter) {
    this.task = task;
    this.root = root;
    this.conf = conf;
    this.localizers = localizers;
    this.reporter = reporter;
  }

  void run(ExecutorDriver driver, int shufflePort) {
    String taskId = task.getTaskId();
    Path stderr = null;
    try {
      ContainerSpec spec = ContainerSpec.fromBytes(task.getData().toByteArray());
      ContainerLaunchContext clc = spec.launchContext();
      ContainerId cid = ContainerId.fromString(spec.containerId());
      ApplicationId appId = cid.getApplicationAttemptId().getApplicationId();
      Localizer localizer = localizers.forApp(appId, spec.user(),
          clc.getServiceData().get(ShuffleHandler.MAPREDUCE_SHUFFLE_SERVICEID));
      Path dir = localizer.appDir().resolve(spec.containerId());
      Path logDir = root.resolve("logs").resolve(appId.toString()).resolve(spec.containerId());
      Files.createDirectories(dir.resolve("tmp"));
      Files.createDirectories(logDir);
      stderr = logDir.resolve("stderr");
      for (Map.Entry<String, LocalResource> e : clc.getLocalResources().entrySet()) {
        Files.createSymbolicLink(dir.resolve(e.getKey()), localizer.localize(e.getValue()));
      }
      Path tokens = dir.resolve("container_tokens");
      ByteBuffer t = clc.getTokens().duplicate();
      byte[] tokenBytes = new byte[t.remaining()];
      t.get(tokenBytes);
      Files.write(tokens, tokenBytes);

      Map<String, String> env = new LinkedHashMap<>(clc.getEnvironment());
      String host = io.corral.hadoop.common.CorralMr.advertisedHost();
      env.put(Environment.CONTAINER_ID.name(), spec.containerId());
      env.put(Environment.NM_HOST.name(), host);
      env.put(Environment.NM_PORT.name(), "0");
      env.put(Environment.NM_HTTP_PORT.name(), Integer.toString(shufflePort));
      env.put(Environment.LOCAL_DIRS.name(), localizer.appDir().toString());
      env.put(Environment.LOG_DIRS.name(), logDir.toString());
      env.put(Environment.USER.name(), spec.user());
      env.put(Environment.LOGNAME.name(), spec.user());
      env.put(Environment.PWD.name(), dir.toString());
      env.put(Environment.JAVA_HOME.name(), System.getProperty("java.home"));
      env.put("HADOOP_TOKEN_FILE_LOCATION", tokens.toString());
      Path script = dir.resolve("launch_container.sh");
      Files.writeString(script, script(env, clc.getCommands(), logDir, CorralMr.classpath(conf)));

      ProcessBuilder pb = new ProcessBuilder("bash", script.toString()).directory(dir.toFile())
          .redirectErrorStream(true).redirectOutput(logDir.resolve("launch.out").toFile());
      pb.environment().remove("CLASSPATH");
      synchronized (this) {
        if (killed) {
          reporter.report(driver, taskId, TaskState.TASK_KILLED, "killed before it started", null);
          return;
        }
        process = pb.start();
      }
      reporter.report(driver, taskId, TaskState.TASK_RUNNING, "pid " + process.pid(),
          Integer.toString(shufflePort).getBytes(StandardCharsets.UTF_8));
      int exit = process.waitFor();
      if (killed) {
        reporter.report(driver, taskId, TaskState.TASK_KILLED, "killed", null);
      } else if (exit == 0) {
        reporter.report(driver, taskId, TaskState.TASK_FINISHED, "exit code 0", null);
      } else {
        reporter.report(driver, taskId, TaskState.TASK_FAILED, "Exception from container-launch.\nContainer id: "
            + taskId + "\nExit code: " + exit + tail(stderr) + "\nContainer exited with a non-zero exit code "
            + exit + ". ", null);
      }
    } catch (Exception e) {
      LOG.error("container {} failed to launch", taskId, e);
      reporter.report(driver, taskId, TaskState.TASK_FAILED, "container launch failed: " + e, null);
    }
  }

  void kill() {
    Process p;
    synchronized (this) {
      killed = true;
      p = process;
    }
    if (p != null) {
      ProcessTree.kill(p.toHandle(), Duration.ofSeconds(1));
    }
  }

  /** YARN's launch script: exports (values may refer to other variables), then the command. */
  static String script(Map<String, String> env, List<String> commands, Path logDir, String hadoopClasspath) {
    StringBuilder s = new StringBuilder("#!/bin/bash\nset -e\n");
    for (Map.Entry<String, String> e : env.entrySet()) {
      s.append("export ").append(e.getKey()).append("=\"").append(expand(e.getValue(), logDir)).append("\"\n");
    }
    // Hadoop's own jars, as yarn.application.classpath would give them on a NodeManager.
    s.append("export CLASSPATH=\"$CLASSPATH:").append(hadoopClasspath).append("\"\n");
    s.append("exec ").append(expand(String.join(" ", commands), logDir)).append('\n');
    return s.toString();
  }

  private static String expand(String v, Path logDir) {
    return v.replace("<LOG_DIR>", logDir.toString()).replace("<CPS>", ":").replace("<ADD_OPENS>", ADD_OPENS)
        .replaceAll("\\{\\{([A-Za-z_][A-Za-z0-9_]*)\\}\\}", "\\$$1");
  }

  private static String tail(Path file) {
    try {
      if (file == null || !Files.exists(file)) {
        return "";
      }
      String all = Files.readString(file);
      return all.isBlank() ? "" : "\nLast lines of stderr:\n" + all.substring(Math.max(0, all.length() - 2000));
    } catch (IOException e) {
      return "";
    }
  }
}
