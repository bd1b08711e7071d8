package io.corral.benchmarks;

import io.corral.common.resources.Resources;
import io.corral.protocol.Filters;
import io.corral.protocol.MasterInfo;
import io.corral.protocol.Offer;
import io.corral.protocol.TaskInfo;
import io.corral.protocol.TaskState;
import io.corral.protocol.TaskStatus;
import io.corral.protocol.TaskStatusReason;
import io.corral.scheduler.Scheduler;
import io.corral.scheduler.SchedulerDriver;
import io.corral.scheduler.TaskInfos;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The framework of {@link FailoverBenchmark}, on the real scheduler library. It fills every agent
 * it is offered with {@code tasksPerAgent} command tasks that share the agent's cpus and memory
 * (so nothing is left to offer) and waits for them to be RUNNING. After a failover, when the
 * driver has re-subscribed, it asks for an explicit reconciliation of every task it launched,
 * in calls of {@link #RECONCILE_BATCH} tasks, and counts the answers that say RUNNING.
 *
 * <p>Callbacks come one at a time on the driver's callback thread.
 */
final class FailoverFramework implements Scheduler {
  /** Tasks per reconciliation call: 10,000 names are about 0.5 MB, far below the message limit. */
  static final int RECONCILE_BATCH = 10_000;
  private static final Filters LONG_FILTER = Filters.newBuilder().setRefuseSeconds(3600).build();

  private final int tasksPerAgent;
  private final int total;
  private final Resources taskResources;
  private final List<TaskStatus> launched = new ArrayList<>();
  private final Set<String> agentsFilled = ConcurrentHashMap.newKeySet();
  private final Set<String> reconciled = ConcurrentHashMap.newKeySet();
  private final AtomicLong unexpected = new AtomicLong();
  final CountDownLatch registered = new CountDownLatch(1);
  final CountDownLatch allRunning;
  final CountDownLatch allReconciled = new CountDownLatch(1);
  private volatile boolean failedOver;
  volatile long disconnectedMillis;
  volatile long reregisteredMillis;
  volatile long reconcileSentMillis;
  volatile long firstReconciledMillis;
  volatile long allReconciledMillis;

  /**
   * @param agentResources what each agent has; every task gets its share of cpus and memory
   */
  FailoverFramework(int agents, int tasksPerAgent, String agentResources) {
    this.tasksPerAgent = tasksPerAgent;
    Resources agent = Resources.parse(agentResources);
    double cpus = Math.floor(agent.scalar("cpus") * 1000 / tasksPerAgent) / 1000;
    double mem = Math.floor(agent.scalar("mem") / tasksPerAgent);
    this.taskResources = Resources.parse("cpus:" + cpus + ";mem:" + mem);
    this.total = agents * tasksPerAgent;
    this.allRunning = new CountDownLatch(total);
  }

  /** Tasks answered RUNNING by a reconciliation so far. */
  int reconciledCount() {
    return reconciled.size();
  }

  /** Updates that were neither the launch's RUNNING nor a reconciliation's RUNNING. */
  long unexpectedUpdates() {
    return unexpected.get();
  }

  int launchedCount() {
    synchronized (launched) {
      return launched.size();
    }
  }

  @Override
  public void registered(SchedulerDriver driver, String frameworkId, MasterInfo masterInfo) {
    registered.countDown();
  }

  @Override
  public void disconnected(SchedulerDriver driver) {
    if (disconnectedMillis == 0) {
      disconnectedMillis = System.currentTimeMillis();
    }
  }

  @Override
  public void reregistered(SchedulerDriver driver, MasterInfo masterInfo) {
    reregisteredMillis = System.currentTimeMillis();
    failedOver = true;
    List<TaskStatus> all;
    synchronized (launched) {
      all = List.copyOf(launched);
    }
    for (int i = 0; i < all.size(); i += RECONCILE_BATCH) {
      driver.reconcileTasks(all.subList(i, Math.min(all.size(), i + RECONCILE_BATCH)));
    }
    reconcileSentMillis = System.currentTimeMillis();
  }

  @Override
  public void resourceOffers(SchedulerDriver driver, List<Offer> offers) {
    for (Offer offer : offers) {
      String agentId = offer.getAgentId();
      if (failedOver || !agentsFilled.add(agentId)) {
        driver.declineOffer(offer.getId(), LONG_FILTER);
        continue;
      }
      List<TaskInfo> tasks = new ArrayList<>(tasksPerAgent);
      for (int i = 0; i < tasksPerAgent; i++) {
        String taskId = "t-" + agentId + "-" + i;
        tasks.add(TaskInfos.command(taskId, offer, taskResources, TaskInfos.shell("sleep 3600")));
        synchronized (launched) {
          launched.add(TaskStatus.newBuilder().setTaskId(taskId).setAgentId(agentId).build());
        }
      }
      driver.launchTasks(List.of(offer.getId()), tasks, LONG_FILTER);
    }
  }

  @Override
  public void statusUpdate(SchedulerDriver driver, TaskStatus status) {
    if (status.getState() != TaskState.TASK_RUNNING) {
      unexpected.incrementAndGet();
      if (unexpected.get() <= 5) {
        System.err.printf("framework: unexpected update %s of %s (%s: %s)%n", status.getState(), status.getTaskId(),
            status.getReason(), status.getMessage());
      }
      return;
    }
    if (status.getReason() == TaskStatusReason.REASON_RECONCILIATION) {
      long now = System.currentTimeMillis();
      if (reconciled.add(status.getTaskId())) {
        if (reconciled.size() == 1) {
          firstReconciledMillis = now;
        }
        if (reconciled.size() == total) {
          allReconciledMillis = now;
          allReconciled.countDown();
        }
      }
    } else if (!failedOver) {
      allRunning.countDown();
    } else {
      unexpected.incrementAndGet(); // a RUNNING after the failover that is not an answer: re-sent by an agent
    }
  }
}
