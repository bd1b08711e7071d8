package io.corral.spark.cli;

import io.corral.bridges.common.SchedulerTaskLaunch;
import io.corral.common.resources.Resources;
import io.corral.common.security.ClientCredentials;
import io.corral.common.task.TaskStates;
import io.corral.protocol.FrameworkInfo;
import io.corral.protocol.Offer;
import io.corral.protocol.TaskInfo;
import io.corral.protocol.TaskState;
import io.corral.protocol.TaskStatus;
import io.corral.protocol.TaskStatusReason;
import io.corral.scheduler.CorralSchedulerDriver;
import io.corral.scheduler.OfferMatcher;
import io.corral.scheduler.ResourceRequest;
import io.corral.scheduler.Scheduler;
import io.corral.scheduler.SchedulerDriver;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * Registers the driver's framework (with a failover timeout, so it outlives this process),
 * launches the driver task (its framework's scheduler task) on the first offer it fits, waits until
 * the task runs, and leaves: the driver then holds the framework itself ({@code ClusterDriver}).
 *
 * <p>While the cluster's scheduler tasks hold their share ({@code --scheduler-task-share}), the
 * submission says it waits for a scheduler slot and waits as a {@link SchedulerTaskLaunch} does; its
 * timeout counts from the latest refusal.
 */
final class DriverLaunch implements Scheduler {
  private final String master;
  private final ClientCredentials credentials;
  private final SparkDriverTask task;
  private final String role;
  private final ResourceRequest request;
  private final Duration timeout;
  private final PrintStream out;
  private final SchedulerTaskLaunch<TaskStatus> launch;
  private String host = "";

  DriverLaunch(String master, ClientCredentials credentials, SparkDriverTask task, String role, double cpus,
      double memMib, Duration timeout, PrintStream out) {
    this(master, credentials, task, role, cpus, memMib, timeout, out, SchedulerTaskLaunch.Later.realTime());
  }

  DriverLaunch(String master, ClientCredentials credentials, SparkDriverTask task, String role, double cpus,
      double memMib, Duration timeout, PrintStream out, SchedulerTaskLaunch.Later later) {
    this.master = master;
    this.credentials = credentials;
    this.task = task;
    this.role = role;
    this.request = ResourceRequest.of(cpus, Math.ceil(memMib));
    this.timeout = timeout;
    this.out = out;
    this.launch = new SchedulerTaskLaunch<>(timeout, later, why -> out.println("waiting: for a scheduler slot, the"
        + " driver is tried again every " + SchedulerTaskLaunch.SLOT_RETRY.toSeconds() + " s (" + why + ")"));
  }

  int run() throws InterruptedException {
    FrameworkInfo info = FrameworkInfo.newBuilder().setName("spark driver: " + task.name()).setRole(role)
        .setFailoverTimeout(task.failoverTimeoutSeconds()).putLabels("spark.deploy-mode", "cluster").build();
    CorralSchedulerDriver driver = new CorralSchedulerDriver(this, info, master, true, credentials);
    launch.start();
    driver.start();
    try {
      TaskStatus s = launch.await();
      out.println("submitted: driver " + s.getTaskId() + " of framework " + driver.frameworkId() + " on " + host
          + " (agent " + s.getAgentId() + "); its log is the task sandbox's stdout and stderr");
      driver.stop(true); // keep the framework: the driver task holds it from now on
      driver.join();
      return 0;
    } catch (ExecutionException e) {
      out.println("failed: " + e.getCause().getMessage());
    } catch (TimeoutException e) {
      out.println("failed: the driver did not run within " + timeout + " (no offer with " + request.scalars()
          + "?)");
    }
    driver.stop(); // tear down: nothing of this submission is left
    driver.join();
    return 1;
  }

  @Override
  public void resourceOffers(SchedulerDriver d, List<Offer> offers) {
    for (Offer o : offers) {
      Resources fit = launch.mayLaunch() ? OfferMatcher.fit(Resources.fromProto(o.getResourcesList()), request) : null;
      if (fit == null) {
        d.declineOffer(o.getId());
        continue;
      }
      launch.launched();
      host = o.getHostname();
      d.launchTasks(List.of(o.getId()), List.of(TaskInfo.newBuilder().setTaskId("driver").setName("spark driver: "
          + task.name()).setAgentId(o.getAgentId()).addAllResources(fit.toProto()).setCommand(commandWithRole()).setSchedulerTask(true).build()));
      d.suppressOffers();
    }
  }

  /** The driver task's command, telling it the framework's role (it takes the framework over in that role). */
  private io.corral.protocol.CommandInfo commandWithRole() {
    return task.command().toBuilder().addEnvironment(io.corral.protocol.EnvironmentVariable.newBuilder()
        .setName("CORRAL_SPARK_DRIVER_ROLE").setValue(role)).build();
  }

  @Override
  public void statusUpdate(SchedulerDriver d, TaskStatus status) {
    if (status.getReason() == TaskStatusReason.REASON_SCHEDULER_TASK_SHARE) {
      launch.refused(d, status.getMessage());
    } else if (status.getState() == TaskState.TASK_RUNNING) {
      launch.running(status);
    } else if (TaskStates.isTerminal(status.getState())) {
      launch.failed(new IllegalStateException("driver task " + TaskStates.shortName(status.getState())
          + (status.getMessage().isBlank() ? "" : ": " + status.getMessage().replace('\n', ' '))));
    }
  }

  @Override
  public void error(SchedulerDriver d, String message) {
    launch.failed(new IllegalStateException("Corral master: " + message));
  }
}
