package io.corral.hadoop.tasktracker;

import io.corral.common.DriverStatus;
import io.corral.executor.CorralExecutorDriver;
import io.corral.executor.Executor;
import io.corral.executor.ExecutorDriver;
import io.corral.protocol.AgentInfo;
import io.corral.protocol.ExecutorInfo;
import io.corral.protocol.FrameworkInfo;
import io.corral.protocol.KillPolicy;
import io.corral.protocol.TaskInfo;
import io.corral.protocol.TaskState;
import io.corral.protocol.TaskStatus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.mapred.ShuffleHandler;
import org.apache.hadoop.yarn.api.records.ApplicationId;
import org.apache.hadoop.yarn.server.api.ApplicationInitializationContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TaskTracker role of one job on one agent: a Corral executor that serves the job's map
 * output with Hadoop's own {@link ShuffleHandler} and runs each container (a Corral task) as a
 * child JVM with the unmodified {@code YarnChild}. It outlives its tasks, so reducers can fetch
 * map output after the maps exited; the job's AM stops it when the job ends, or earlier once it
 * is idle (no container, no map output a reducer still needs: see {@code IdleExecutors}).
 */
public final class TaskTrackerExecutor implements Executor {
  private static final Logger LOG = LoggerFactory.getLogger(TaskTrackerExecutor.class);
  /** Framework message from the AM: the job is over, or needs this executor no more; exit. */
  public static final byte[] SHUTDOWN = "shutdown".getBytes(StandardCharsets.UTF_8);

  private final Path root = Path.of("").toAbsolutePath().resolve("nm-local");
  private final Configuration conf = new Configuration();
  private final ExecutorService launcher = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "tasktracker-container");
    t.setDaemon(true);
    return t;
  });
  private final Map<String, ContainerRunner> containers = new ConcurrentHashMap<>();
  private final Map<ApplicationId, Localizer> apps = new ConcurrentHashMap<>();
  private ShuffleHandler shuffle;
  private int shufflePort;

  public static void main(String[] args) {
    DriverStatus end = new CorralExecutorDriver(new TaskTrackerExecutor()).run();
    System.exit(end == DriverStatus.DRIVER_STOPPED ? 0 : 1);
  }

  @Override
  public void registered(ExecutorDriver driver, ExecutorInfo executorInfo, FrameworkInfo frameworkInfo,
      AgentInfo agentInfo) {
    try {
      conf.setInt(ShuffleHandler.SHUFFLE_PORT_CONFIG_KEY, 0);
      shuffle = new ShuffleHandler();
      shuffle.setAuxiliaryLocalPathHandler(new SandboxPathHandler(root));
      shuffle.init(conf);
      shuffle.start();
      shufflePort = ShuffleHandler.deserializeMetaData(shuffle.getMetaData());
      LOG.info("TaskTracker of {} on agent {}: shuffle on port {}, local dirs {}", frameworkInfo.getName(),
          agentInfo.getId(), shufflePort, root);
    } catch (Exception e) {
      LOG.error("cannot start the ShuffleHandler", e);
      driver.abort();
    }
  }

  @Override
  public void launchTask(ExecutorDriver driver, TaskInfo task) {
    ContainerRunner runner = new ContainerRunner(task, root, conf, this::localizer, this::status);
    containers.put(task.getTaskId(), runner);
    launcher.execute(() -> {
      try {
        runner.run(driver, shufflePort);
      } finally {
        containers.remove(task.getTaskId());
      }
    });
  }

  /** The app's localizer; the first container of an app also registers its shuffle secret. */
  private Localizer localizer(ApplicationId appId, String user, java.nio.ByteBuffer shuffleSecret) {
    return apps.computeIfAbsent(appId, id -> {
      shuffle.initializeApplication(new ApplicationInitializationContext(user, id, shuffleSecret));
      return new Localizer(root.resolve("usercache").resolve(user).resolve("appcache").resolve(id.toString()), conf);
    });
  }

  private void status(ExecutorDriver driver, String taskId, TaskState state, String message, byte[] data) {
    TaskStatus.Builder b = TaskStatus.newBuilder().setTaskId(taskId).setState(state).setMessage(message);
    if (data != null) {
      b.setData(com.google.protobuf.ByteString.copyFrom(data));
    }
    driver.sendStatusUpdate(b.build());
  }

  @Override
  public void killTask(ExecutorDriver driver, String taskId, KillPolicy killPolicy) {
    ContainerRunner r = containers.get(taskId);
    if (r != null) {
      r.kill();
    } else {
      status(driver, taskId, TaskState.TASK_KILLED, "not running", null);
    }
  }

  @Override
  public void frameworkMessage(ExecutorDriver driver, byte[] data) {
    if (Arrays.equals(data, SHUTDOWN)) {
      LOG.info("released by the job's AM: stopping");
      shutdown(driver);
    }
  }

  @Override
  public void shutdown(ExecutorDriver driver) {
    containers.values().forEach(ContainerRunner::kill);
    if (shuffle != null) {
      shuffle.stop();
    }
    driver.stop();
  }

  @Override
  public void error(ExecutorDriver driver, String message) {
    LOG.error("executor error: {}", message);
  }
}
