package io.corral.hadoop.client;

import io.corral.common.resources.Resources;
import io.corral.common.security.ClientCredentials;
import io.corral.common.task.TaskStates;
import io.corral.hadoop.common.CorralMr;
import io.corral.protocol.CommandInfo;
import io.corral.protocol.Filters;
import io.corral.protocol.FrameworkInfo;
import io.corral.protocol.MasterInfo;
import io.corral.protocol.Offer;
import io.corral.protocol.TaskInfo;
import io.corral.protocol.TaskState;
import io.corral.protocol.TaskStatus;
import io.corral.protocol.TaskStatusReason;
import io.corral.scheduler.CorralSchedulerDriver;
import io.corral.scheduler.LargestAgent;
import io.corral.scheduler.OfferMatcher;
import io.corral.scheduler.ResourceRequest;
import io.corral.scheduler.Scheduler;
import io.corral.scheduler.SchedulerDriver;
import io.corral.scheduler.TaskInfos;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers a job's framework and starts its AM as a Corral task, marked as the framework's scheduler
 * task; once the AM runs, the client fails the framework over (stops without tearing it down) and the
 * AM subscribes in its place.
 *
 * <p>While the cluster's scheduler tasks hold their share ({@code --scheduler-task-share}), the master
 * drops the AM's launch with {@code REASON_SCHEDULER_TASK_SHARE}: the job waits for a scheduler slot,
 * as a YARN application waits in ACCEPTED for its queue's AM share, and its launch is tried again
 * every {@link #SLOT_RETRY}. The launch timeout counts from the latest such refusal.
 */
final class AmLauncher implements Scheduler {
  private static final Logger LOG = LoggerFactory.getLogger(AmLauncher.class);
  static final String AM_TASK_ID = "appmaster";
  /** How long a job waiting for a scheduler slot waits before it offers to launch its AM again. */
  static final Duration SLOT_RETRY = Duration.ofSeconds(5);

  private final ResourceRequest need;
  private final String sizedBy;
  private final CommandInfo command;
  private final CompletableFuture<String> running = new CompletableFuture<>();
  private final String frameworkIdEnv;
  private final Duration timeout;
  /** Runs the retry of a launch the share refused, {@link #SLOT_RETRY} later. */
  private final Executor retryLater;
  private volatile String frameworkId;
  /** When the launch gives up (System.nanoTime); moves on each refusal for the share. */
  private volatile long deadline;
  private boolean launched;
  private boolean waitingForSlot;
  /** A launch was refused for the share and its retry is not due yet. */
  private volatile boolean retryPending;

  AmLauncher(ResourceRequest need, String sizedBy, CommandInfo command, String frameworkIdEnv, Duration timeout,
      Executor retryLater) {
    this.need = need;
    this.sizedBy = sizedBy;
    this.command = command;
    this.frameworkIdEnv = frameworkIdEnv;
    this.timeout = timeout;
    this.retryLater = retryLater;
    this.deadline = System.nanoTime() + timeout.toNanos();
  }

  /**
   * Launches the AM and returns the framework id once it runs. The command's environment gets
   * the framework id through {@code frameworkIdEnv}. An AM that no agent of the cluster could ever
   * hold fails at once, naming what the largest agent has and {@code sizedBy}, the settings that
   * size {@code need}.
   */
  static String launch(String master, ClientCredentials credentials, FrameworkInfo framework, ResourceRequest need,
      String sizedBy, CommandInfo command, String frameworkIdEnv, Duration timeout) throws IOException {
    AmLauncher l = new AmLauncher(need, sizedBy, command, frameworkIdEnv, timeout,
        CompletableFuture.delayedExecutor(SLOT_RETRY.toMillis(), TimeUnit.MILLISECONDS));
    CorralSchedulerDriver driver = new CorralSchedulerDriver(l, framework, master, true, credentials);
    driver.start();
    try {
      l.awaitRunning();
      driver.stop(true); // the framework stays; its AM takes it over
      driver.join();
      return l.frameworkId;
    } catch (ExecutionException e) {
      driver.stop();
      driver.join();
      throw new IOException(e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      driver.stop();
      driver.join();
      throw new IOException("the job's AM did not start within " + timeout.toSeconds() + " s: no agent offered "
          + need.scalars() + " (other work holds it, or no single agent has all of it; " + sizedBy
          + " size it, " + CorralMr.AM_LAUNCH_TIMEOUT + " is the wait)");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      driver.stop();
      throw new IOException("interrupted", e);
    }
  }

  /** Waits until the AM runs, or until the deadline (which a wait for a scheduler slot moves) passes. */
  private void awaitRunning() throws InterruptedException, ExecutionException, TimeoutException {
    while (true) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new TimeoutException();
      }
      try {
        running.get(left, TimeUnit.NANOSECONDS);
        return;
      } catch (TimeoutException e) {
        // the deadline may have moved meanwhile: look again
      }
    }
  }

  @Override
  public void registered(SchedulerDriver driver, String id, MasterInfo masterInfo) {
    frameworkId = id;
  }

  @Override
  public void largestAgent(SchedulerDriver driver, LargestAgent largest) {
    if (!launched && !largest.mayFit(need)) {
      running.completeExceptionally(new IOException("the job's AM needs " + need.scalars()
          + ", more than any agent of the cluster has (the largest agent has " + largest + "): lower " + sizedBy));
    }
  }

  @Override
  public void resourceOffers(SchedulerDriver driver, List<Offer> offers) {
    for (Offer offer : offers) {
      boolean waiting = !launched && retryPending;
      Resources fit = launched || waiting ? null
          : OfferMatcher.fit(Resources.fromProto(offer.getResourcesList()), need);
      if (fit == null) {
        driver.declineOffer(offer.getId(), Filters.newBuilder()
            .setRefuseSeconds(launched ? 60 : waiting ? SLOT_RETRY.toSeconds() : 1).build());
        continue;
      }
      launched = true;
      CommandInfo withId = command.toBuilder().addEnvironment(io.corral.protocol.EnvironmentVariable.newBuilder()
          .setName(frameworkIdEnv).setValue(frameworkId)).build();
      TaskInfo am = TaskInfos.command(AM_TASK_ID, offer, fit, withId).toBuilder().setSchedulerTask(true).build();
      driver.launchTasks(List.of(offer.getId()), List.of(am));
      driver.suppressOffers();
    }
  }

  @Override
  public void statusUpdate(SchedulerDriver driver, TaskStatus status) {
    if (!status.getTaskId().equals(AM_TASK_ID)) {
      return;
    }
    if (status.getReason() == TaskStatusReason.REASON_SCHEDULER_TASK_SHARE) {
      waitForSlot(driver, status.getMessage());
    } else if (status.getState() == TaskState.TASK_RUNNING) {
      if (waitingForSlot) {
        LOG.info("the job's AM got a scheduler slot and runs");
      }
      running.complete(frameworkId);
    } else if (TaskStates.isTerminal(status.getState())) {
      running.completeExceptionally(new IOException("the job's AM ended before it started: " + status.getState()
          + " " + status.getMessage()));
    }
  }

  /** The master dropped the AM's launch for the scheduler tasks' share: launch it again later. */
  private void waitForSlot(SchedulerDriver driver, String why) {
    if (!waitingForSlot) {
      LOG.info("the job waits for a scheduler slot (its AM is tried again every {} s): {}", SLOT_RETRY.toSeconds(),
          why);
    }
    waitingForSlot = true;
    launched = false;
    deadline = System.nanoTime() + timeout.toNanos();
    if (!retryPending) { // still suppressed since the launch: offers come again once the retry is due
      retryPending = true;
      retryLater.execute(() -> {
        retryPending = false;
        driver.reviveOffers();
      });
    }
  }

  @Override
  public void error(SchedulerDriver driver, String message) {
    running.completeExceptionally(new IOException("Corral master: " + message));
  }
}
