package io.corral.examples.shell;

import io.corral.common.task.TaskStates;
import io.corral.protocol.CommandInfo;
import io.corral.protocol.Filters;
import io.corral.protocol.MasterInfo;
import io.corral.protocol.Offer;
import io.corral.protocol.TaskInfo;
import io.corral.protocol.TaskState;
import io.corral.protocol.TaskStatus;
import io.corral.scheduler.LargestAgent;
import io.corral.scheduler.OfferMatcher;
import io.corral.scheduler.ResourceRequest;
import io.corral.scheduler.Scheduler;
import io.corral.scheduler.SchedulerDriver;
import io.corral.scheduler.TaskInfos;
import io.corral.scheduler.TaskReconciler;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Runs a command (and its URIs) N times across the cluster, retrying each failed run up to k times;
 * a run the master preempted ({@code REASON_PREEMPTED}) is run again without spending a retry.
 * After a failover it first asks the master what became of its tasks and adopts them. Tasks that no
 * agent of the cluster could ever hold fail the run at once ({@link TooLarge}).
 */
public final class ShellFramework implements Scheduler {
  /** How many tasks finished, and the last status of each task that did not. */
  public record Outcome(int total, int finished, List<TaskStatus> failures) {}

  /** The run's tasks need more than any agent of the cluster has: they can never run. */
  public static final class TooLarge extends RuntimeException {
    private static final long serialVersionUID = 1L;

    TooLarge(ResourceRequest perTask, LargestAgent largest) {
      super("no agent can ever run a task of " + perTask.scalars() + ": the largest agent has " + largest);
    }
  }

  /** What a run reports as it goes (the CLI prints it). */
  public interface Progress {
    default void registered(String frameworkId) {}

    default void update(TaskStatus status) {}
  }

  private final CommandInfo command;
  private final ResourceRequest perTask;
  private final int total;
  private final int retries;
  private final ArrayDeque<Integer> waiting = new ArrayDeque<>(); // numbers of the tasks to launch
  private final Map<String, Integer> running = new HashMap<>(); // task id -> task number
  /** Retries spent, per task. */
  private final int[] attempts;
  /** Runs launched after the first (retries and re-runs of preempted runs), per task: its id's suffix. */
  private final int[] reruns;
  private final java.util.concurrent.atomic.AtomicInteger preempted = new java.util.concurrent.atomic.AtomicInteger();
  private final List<TaskStatus> failures = new ArrayList<>();
  private final CompletableFuture<Outcome> outcome = new CompletableFuture<>();
  private int finished;
  private TaskReconciler<Integer> reconciler = TaskReconciler.none();
  private Progress progress = new Progress() {};

  public ShellFramework(CommandInfo command, int tasks, double cpus, double mem, int retries) {
    this.command = command;
    this.perTask = ResourceRequest.of(cpus, mem);
    this.total = tasks;
    this.retries = retries;
    this.attempts = new int[tasks];
    this.reruns = new int[tasks];
    java.util.stream.IntStream.range(0, tasks).forEach(waiting::add);
  }

  /** Runs the master preempted so far (each was run again). */
  public int preempted() {
    return preempted.get();
  }

  /** Completes when every task finished or ran out of retries. */
  public CompletableFuture<Outcome> outcome() {
    return outcome;
  }

  /** Call before the driver starts. With {@code resumed}, it subscribes with its old id: ask before launching. */
  public void start(Progress progress, boolean resumed) {
    this.progress = progress;
    Map<String, Integer> ids = new LinkedHashMap<>();
    for (int n = 0; resumed && n < total; n++) {
      for (int k = 0; k <= retries; k++) {
        ids.put("task-" + n + (k > 0 ? "." + k : ""), n);
      }
    }
    reconciler = new TaskReconciler<>(ids);
  }

  @Override
  public void registered(SchedulerDriver driver, String frameworkId, MasterInfo master) {
    progress.registered(frameworkId);
    reconciler.ask(driver);
  }

  @Override
  public void reregistered(SchedulerDriver driver, MasterInfo master) {
    reconciler.ask(driver); // answers in flight were lost with the old stream
  }

  /** Tasks still to launch that no agent could ever hold end the run at once. */
  @Override
  public void largestAgent(SchedulerDriver driver, LargestAgent largest) {
    if (!waiting.isEmpty() && !largest.mayFit(perTask)) {
      outcome.completeExceptionally(new TooLarge(perTask, largest));
    }
  }

  @Override
  public void resourceOffers(SchedulerDriver driver, List<Offer> offers) {
    if (!reconciler.done()) { // launch nothing before knowing what already runs
      offers.forEach(o -> driver.declineOffer(o.getId(), Filters.newBuilder().setRefuseSeconds(1).build()));
      return;
    }
    for (OfferMatcher.Match<Integer> m : OfferMatcher.match(offers, waiting, n -> perTask)) {
      List<TaskInfo> tasks = new ArrayList<>();
      for (OfferMatcher.Placed<Integer> p : m.placed()) {
        int n = p.task();
        String id = "task-" + n + (reruns[n] > 0 ? "." + reruns[n] : "");
        running.put(id, n);
        tasks.add(TaskInfos.command(id, m.offer(), p.resources(), command));
      }
      // With nothing left to launch, keep the offer away from us for a while.
      Filters filters = Filters.newBuilder().setRefuseSeconds(waiting.isEmpty() ? 30 : 1).build();
      driver.launchTasks(List.of(m.offer().getId()), tasks, filters);
    }
    if (waiting.isEmpty()) {
      driver.suppressOffers();
    }
  }

  @Override
  public void statusUpdate(SchedulerDriver driver, TaskStatus status) {
    progress.update(status);
    if (reconciler.offer(status)) {
      if (reconciler.done()) { // adopt each task's latest attempt: keep it if it runs, count it if over
        reconciler.latest().forEach((n, s) -> {
          waiting.remove(n);
          String id = s.getTaskId();
          attempts[n] = id.indexOf('.') < 0 ? 0 : Integer.parseInt(id.substring(id.indexOf('.') + 1));
          reruns[n] = attempts[n];
          running.put(id, n);
          statusUpdate(driver, s);
        });
        driver.reviveOffers();
      }
      return;
    }
    boolean over = TaskStates.isTerminal(status.getState()) || status.getState() == TaskState.TASK_UNREACHABLE;
    Integer n = over ? running.remove(status.getTaskId()) : null;
    if (n == null) { // still running, or an update of a task already given up
      return;
    }
    if (status.getState() == TaskState.TASK_FINISHED) {
      finished++;
    } else if (status.getReason() == io.corral.protocol.TaskStatusReason.REASON_PREEMPTED) {
      preempted.incrementAndGet(); // not its fault: run it again, no retry spent
      reruns[n]++;
      waiting.add(n);
      driver.reviveOffers();
    } else if (attempts[n] < retries) {
      attempts[n]++;
      reruns[n]++;
      waiting.add(n);
      driver.reviveOffers();
    } else {
      failures.add(status);
    }
    if (finished + failures.size() == total) {
      outcome.complete(new Outcome(total, finished, failures));
    }
  }

  @Override
  public void error(SchedulerDriver driver, String message) {
    outcome.completeExceptionally(new IllegalStateException(message));
  }
}
