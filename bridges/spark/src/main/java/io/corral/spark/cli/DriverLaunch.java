package io.corral.spark.cli;

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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Registers the driver's framework (with a failover timeout, so it outlives this process),
 * launches the driver task (its framework's scheduler task) on the first offer it fits, waits until
 * the task runs, and leaves: the driver then holds the framework itself ({@code ClusterDriver}).
 *
 * <p>While the cluster's scheduler tasks hold their share ({@code --scheduler-task-share}), the master
 * drops the driver's launch with {@code REASON_SCHEDULER_TASK_SHARE}: the submission says it waits for
 * a scheduler slot and tries again every {@link #SLOT_RETRY}; its timeout counts from the latest refusal.
 */
final class DriverLaunch implements Scheduler {
  /** How long a submission waiting for a scheduler slot waits before it offers to launch its driver again. */
  static final Duration SLOT_RETRY = Duration.ofSeconds(5);

  private final String master;
  private final ClientCredentials credentials;
  private final SparkDriverTask task;
  private final String role;
  private final ResourceRequest request;
  private final Duration timeout;
  private final PrintStream out;
  private final CompletableFuture<TaskStatus> running = new CompletableFuture<>();
  private boolean launched;
  private boolean waitingForSlot;
  /** Runs the retry of a launch the share refused, {@link #SLOT_RETRY} later. */
  private final Executor retryLater;
  /** A launch was refused for the share and its retry is not due yet. */
  private volatile boolean retryPending;
  /** When the submission gives up (System.nanoTime); moves on each refusal for the share. */
  private volatile long deadline;
  private String host = "";

  DriverLaunch(String master, ClientCredentials credentials, SparkDriverTask task, String role, double cpus,
      double memMib, Duration timeout, PrintStream out) {
    this(master, credentials, task, role, cpus, memMib, timeout, out,
        CompletableFuture.delayedExecutor(SLOT_RETRY.toMillis(), TimeUnit.MILLISECONDS));
  }

  DriverLaunch(String master, ClientCredentials credentials, SparkDriverTask task, String role, double cpus,
      double memMib, Duration timeout, PrintStream out, Executor retryLater) {
    this.retryLater = retryLater;
    this.master = master;
    this.credentials = credentials;
    this.task = task;
    this.role = role;
    this.request = ResourceRequest.of(cpus, Math.ceil(memMib));
    this.timeout = timeout;
    this.out = out;
  }

  int run() throws InterruptedException {
    FrameworkInfo info = FrameworkInfo.newBuilder().setName("spark driver: " + task.name()).setRole(role)
        .setFailoverTimeout(task.failoverTimeoutSeconds()).putLabels("spark.deploy-mode", "cluster").build();
    CorralSchedulerDriver driver = new CorralSchedulerDriver(this, info, master, true, credentials);
    deadline = System.nanoTime() + timeout.toNanos();
    driver.start();
    try {
      TaskStatus s = awaitRunning();
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

  /** Waits until the driver runs, or until the deadline (which a wait for a scheduler slot moves) passes. */
  private TaskStatus awaitRunning() throws InterruptedException, ExecutionException, TimeoutException {
    while (true) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new TimeoutException();
      }
      try {
        return running.get(left, TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        // the deadline may have moved meanwhile: look again
      }
    }
  }

  @Override
  public void resourceOffers(SchedulerDriver d, List<Offer> offers) {
    for (Offer o : offers) {
      boolean waiting = !launched && retryPending;
      Resources fit = launched || waiting ? null : OfferMatcher.fit(Resources.fromProto(o.getResourcesList()), request);
      if (fit == null) {
        d.declineOffer(o.getId());
        continue;
      }
      launched = true;
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
      if (!waitingForSlot) {
        out.println("waiting: for a scheduler slot, the driver is tried again every " + SLOT_RETRY.toSeconds()
            + " s (" + status.getMessage() + ")");
      }
      waitingForSlot = true;
      launched = false;
      deadline = System.nanoTime() + timeout.toNanos();
      if (!retryPending) { // still suppressed since the launch: offers come again once the retry is due
        retryPending = true;
        retryLater.execute(() -> {
          retryPending = false;
          d.reviveOffers();
        });
      }
    } else if (status.getState() == TaskState.TASK_RUNNING) {
      running.complete(status);
    } else if (TaskStates.isTerminal(status.getState())) {
      running.completeExceptionally(new IllegalStateException("driver task " + TaskStates.shortName(status.getState())
          + (status.getMessage().isBlank() ? "" : ": " + status.getMessage().replace('\n', ' '))));
    }
  }

  @Override
  public void error(SchedulerDriver d, String message) {
    running.completeExceptionally(new IllegalStateException("Corral master: " + message));
  }
}
