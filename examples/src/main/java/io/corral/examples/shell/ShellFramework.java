package io.corral.examples.shell;

import io.corral.common.task.TaskStates;
import io.corral.protocol.CommandInfo;
import io.corral.protocol.Filters;
import io.corral.protocol.MasterInfo;
import io.corral.protocol.Offer;
import io.corral.protocol.TaskInfo;
import io.corral.protocol.TaskState;
import io.corral.protocol.TaskStatus;
import io.corral.protocol.TaskStatusReason;
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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

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
  /** After a failover, the last run asked about, per task. */
  private final int[] asked;
  private final AtomicInteger preempted = new AtomicInteger();
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
    this.asked = new int[tasks];
    IntStream.range(0, tasks).forEach(waiting::add);
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
      ids.putAll(runs(n, 0));
    }
    reconciler = new TaskReconciler<>(ids);
  }

  /**
   * The ids of a batch of task {@code n}'s runs from {@code first}: as many as its first run and its
   * retries; preempted runs may take it further, asked batch by batch ({@link #reconciled}).
   */
  private Map<String, Integer> runs(int n, int first) {
    Map<String, Integer> ids = new LinkedHashMap<>();
    for (int k = first; k <= first + retries; k++) {
      ids.put(id(n, k), n);
    }
    asked[n] = first + retries;
    return ids;
  }

  private static String id(int n, int run) {
    return "task-" + n + (run > 0 ? "." + run : "");
  }

  private static int run(String id) {
    return id.indexOf('.') < 0 ? 0 : Integer.parseInt(id.substring(id.indexOf('.') + 1));
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
        String id = id(n, reruns[n]);
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
      if (reconciler.done()) {
        reconciled(driver);
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
    } else if (status.getReason() == TaskStatusReason.REASON_PREEMPTED) {
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

  /**
   * Every asked id has its answer. A task whose last asked run is known may have run further (its
   * preempted runs spend no retry, so the runs can outnumber the retries): ask its next batch.
   * Otherwise adopt each task's latest run (kept if it runs, counted if over), with the retries its
   * earlier runs spent and the preemptions among them.
   */
  private void reconciled(SchedulerDriver driver) {
    Map<Integer, List<TaskStatus>> known = reconciler.known();
    Map<String, Integer> more = new LinkedHashMap<>();
    known.forEach((n, runs) -> {
      int last = run(runs.get(runs.size() - 1).getTaskId());
      if (last == asked[n]) {
        more.putAll(runs(n, last + 1));
      }
    });
    if (!more.isEmpty()) {
      reconciler.askMore(driver, more);
      return;
    }
    known.forEach((n, runs) -> {
      waiting.remove(n);
      for (TaskStatus earlier : runs.subList(0, runs.size() - 1)) {
        if (earlier.getReason() == TaskStatusReason.REASON_PREEMPTED) {
          preempted.incrementAndGet();
        } else {
          attempts[n]++;
        }
      }
      TaskStatus latest = runs.get(runs.size() - 1);
      reruns[n] = run(latest.getTaskId());
      running.put(latest.getTaskId(), n);
      statusUpdate(driver, latest);
    });
    driver.reviveOffers();
  }

  @Override
  public void error(SchedulerDriver driver, String message) {
    outcome.completeExceptionally(new IllegalStateException(message));
  }
}
