package io.corral.hadoop.client;

import io.corral.common.security.ClientCredentials;
import io.corral.common.task.TaskStates;
import io.corral.protocol.Filters;
import io.corral.protocol.FrameworkInfo;
import io.corral.protocol.MasterInfo;
import io.corral.protocol.Offer;
import io.corral.protocol.TaskState;
import io.corral.protocol.TaskStatus;
import io.corral.scheduler.CorralSchedulerDriver;
import io.corral.scheduler.Scheduler;
import io.corral.scheduler.SchedulerDriver;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Asks the master what became of a job's AM once the AM stopped answering (its RPC port refuses
 * connections and it left no final status). The probe subscribes as the job's framework, which is
 * a failover, so the client only probes when no live AM can hold the framework; it reconciles the
 * AM task and, when the AM has ended, tears the framework down, so the job's executors and tasks
 * end too (as YARN kills an application's containers when its last AM attempt fails).
 */
final class AmProbe implements Scheduler {
  private final CompletableFuture<TaskStatus> ended = new CompletableFuture<>();

  private AmProbe() {}

  /**
   * The AM task's terminal (or unreachable) status, with the framework torn down; empty when the
   * AM task still runs after {@code wait} (the framework is then left to it).
   */
  static Optional<TaskStatus> amEnded(String master, ClientCredentials credentials, FrameworkInfo framework,
      Duration wait) {
    AmProbe probe = new AmProbe();
    CorralSchedulerDriver driver = new CorralSchedulerDriver(probe, framework, master, true, credentials);
    driver.start();
    TaskStatus status = null;
    try {
      status = probe.ended.get(wait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException | ExecutionException e) {
      status = null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    driver.stop(status == null); // tear down only a framework whose AM is gone
    driver.join();
    return Optional.ofNullable(status);
  }

  @Override
  public void registered(SchedulerDriver driver, String frameworkId, MasterInfo masterInfo) {
    driver.suppressOffers();
    driver.reconcileTasks(List.of(TaskStatus.newBuilder().setTaskId(AmLauncher.AM_TASK_ID).build()));
  }

  @Override
  public void resourceOffers(SchedulerDriver driver, List<Offer> offers) {
    offers.forEach(o -> driver.declineOffer(o.getId(), Filters.newBuilder().setRefuseSeconds(60).build()));
  }

  @Override
  public void statusUpdate(SchedulerDriver driver, TaskStatus status) {
    if (status.getTaskId().equals(AmLauncher.AM_TASK_ID) && (TaskStates.isTerminal(status.getState())
        || status.getState() == TaskState.TASK_UNREACHABLE || status.getState() == TaskState.TASK_UNKNOWN)) {
      ended.complete(status);
    }
  }

  @Override
  public void error(SchedulerDriver driver, String message) {
    if (!message.contains("removed")) {
      return;
    }
    // A framework the master removed (the AM tore it down as it died) cannot subscribe again.
    ended.complete(TaskStatus.newBuilder().setTaskId(AmLauncher.AM_TASK_ID).setState(TaskState.TASK_GONE)
        .setMessage(message).build());
  }
}
