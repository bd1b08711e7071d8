package io.corral.hadoop.client;

import io.corral.bridges.common.SchedulerTaskLaunch;
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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers a job's framework and starts its AM as a Corral task, marked as the framework's scheduler
 * task; once the AM runs, the client fails the framework over (stops without tearing it down) and the
 * AM subscribes in its place.
 *
 * <p>While the cluster's scheduler tasks hold their share ({@code --scheduler-task-share}), the job
 * waits for a scheduler slot as a {@link SchedulerTaskLaunch} does, as a YARN application waits in
 * ACCEPTED for its queue's AM share. The launch timeout counts from the latest refusal.
 */
final class AmLauncher implements Scheduler {
  private static final Logger LOG = LoggerFactory.getLogger(AmLauncher.class);
  static final String AM_TASK_ID = "appmaster";

  private final ResourceRequest need;
  private final String sizedBy;
  private final CommandInfo command;
  private final String frameworkIdEnv;
  private final SchedulerTaskLaunch<String> launch;
  private volatile String frameworkId;

  AmLauncher(ResourceRequest need, String sizedBy, CommandInfo command, String frameworkIdEnv, Duration timeout,
      SchedulerTaskLaunch.Later later) {
    this.need = need;
    this.sizedBy = sizedBy;
    this.command = command;
    this.frameworkIdEnv = frameworkIdEnv;
    this.launch = new SchedulerTaskLaunch<>(timeout, later, why -> LOG.info(
        "the job waits for a scheduler slot (its AM is tried again every {} s): {}",
        SchedulerTaskLaunch.SLOT_RETRY.toSeconds(), why));
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
        SchedulerTaskLaunch.Later.realTime());
    CorralSchedulerDriver driver = new CorralSchedulerDriver(l, framework, master, true, credentials);
    l.launch.start();
    driver.start();
    try {
      String id = l.launch.await();
      driver.stop(true); // the framework stays; its AM takes it over
      driver.join();
      return id;
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

  @Override
  public void registered(SchedulerDriver driver, String id, MasterInfo masterInfo) {
    frameworkId = id;
  }

  @Override
  public void largestAgent(SchedulerDriver driver, LargestAgent largest) {
    if (launch.stage() != SchedulerTaskLaunch.Stage.LAUNCHED && !largest.mayFit(need)) {
      launch.failed(new IOException("the job's AM needs " + need.scalars()
          + ", more than any agent of the cluster has (the largest agent has " + largest + "): lower " + sizedBy));
    }
  }

  @Override
  public void resourceOffers(SchedulerDriver driver, List<Offer> offers) {
    for (Offer offer : offers) {
      Resources fit = launch.mayLaunch() ? OfferMatcher.fit(Resources.fromProto(offer.getResourcesList()), need) : null;
      if (fit == null) {
        driver.declineOffer(offer.getId(), Filters.newBuilder().setRefuseSeconds(switch (launch.stage()) {
          case READY -> 1;
          case LAUNCHED -> 60;
          case WAITING_FOR_SLOT -> SchedulerTaskLaunch.SLOT_RETRY.toSeconds();
        }).build());
        continue;
      }
      launch.launched();
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
      launch.refused(driver, status.getMessage());
    } else if (status.getState() == TaskState.TASK_RUNNING) {
      if (launch.waitedForSlot()) {
        LOG.info("the job's AM got a scheduler slot and runs");
      }
      launch.running(frameworkId);
    } else if (TaskStates.isTerminal(status.getState())) {
      launch.failed(new IOException("the job's AM ended before it started: " + status.getState()
          + " " + status.getMessage()));
    }
  }

  @Override
  public void error(SchedulerDriver driver, String message) {
    launch.failed(new IOException("Corral master: " + message));
  }
}
