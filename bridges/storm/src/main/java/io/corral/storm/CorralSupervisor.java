package io.corral.storm;

import io.corral.common.Env;
import io.corral.executor.CorralExecutorDriver;
import io.corral.executor.ExecutorDriver;
import io.corral.executor.ProcessTaskExecutor;
import io.corral.protocol.TaskInfo;
import io.corral.protocol.TaskState;
import io.corral.protocol.TaskStatus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.storm.daemon.supervisor.Supervisor;
import org.apache.storm.metric.StormMetricsRegistry;
import org.apache.storm.utils.ConfigUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Storm Supervisor as a Corral executor: the agent starts this JVM for the Supervisor's task;
 * it writes the sandbox's {@code storm.yaml} (the cluster's settings from the Nimbus, then
 * {@code storm.local.dir} in the sandbox), and runs Storm's own {@code Supervisor} daemon with a
 * {@link CorralISupervisor} whose id is the task's id. Storm's workers are its child processes,
 * so they live in the executor's container: killing the task ends them too.
 *
 * <p>The task is RUNNING once the Supervisor has started; a kill or the agent's shutdown ends
 * the JVM ({@link ProcessTaskExecutor}: Storm's shutdown hook stops the Supervisor, the agent then
 * ends the workers); a Supervisor that fails to start fails the task with the reason.
 */
public final class CorralSupervisor extends ProcessTaskExecutor {
  private static final Logger LOG = LoggerFactory.getLogger(CorralSupervisor.class);

  public static void main(String[] args) throws Exception {
    Path sandbox = Path.of(require(Env.SANDBOX)).toAbsolutePath();
    Path yaml = Path.of(System.getProperty("storm.conf.file", sandbox.resolve("storm.yaml").toString()));
    String settings = require(SupervisorCommand.YAML_ENV)
        + StormYaml.line("storm.local.dir", sandbox.resolve("storm-local").toString());
    Files.writeString(yaml, settings, StandardCharsets.UTF_8);
    System.setProperty("storm.conf.file", yaml.toString());
    // Only now: Storm's Utils reads storm.yaml when it is loaded.
    org.apache.storm.utils.Utils.setupDefaultUncaughtExceptionHandler();
    CorralExecutorDriver driver = new CorralExecutorDriver(new CorralSupervisor());
    driver.run();
    System.exit(0);
  }

  private static String require(String env) {
    String v = System.getenv(env);
    if (v == null || v.isEmpty()) {
      System.err.println("error: " + env + " is not set; a Corral agent starts this process for the Storm bridge");
      System.exit(2);
    }
    return v;
  }

  @Override
  protected void start(ExecutorDriver driver, TaskInfo task) {
    Thread t = new Thread(() -> runSupervisor(driver, task.getTaskId()), "storm-supervisor");
    t.start();
    WorkerReaper.start();
  }

  private static void runSupervisor(ExecutorDriver driver, String id) {
    try {
      Supervisor supervisor = new Supervisor(ConfigUtils.readStormConfig(), null, new CorralISupervisor(id),
          new StormMetricsRegistry());
      LOG.info("starting Storm Supervisor {}", id);
      driver.sendStatusUpdate(TaskStatus.newBuilder().setTaskId(id).setState(TaskState.TASK_RUNNING).build());
      supervisor.launchDaemon(); // blocks while it serves; on failure Storm exits the JVM
    } catch (Throwable e) {
      LOG.error("the Storm Supervisor failed", e);
      driver.sendStatusUpdate(TaskStatus.newBuilder().setTaskId(id).setState(TaskState.TASK_FAILED)
          .setMessage("the Storm Supervisor failed: " + e).build());
      driver.stop();
    }
  }
}
