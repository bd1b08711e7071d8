package io.corral.master.core;

import io.corral.common.resources.Resources;
import io.corral.common.task.TaskStates;
import io.corral.master.state.AgentEntry;
import io.corral.master.state.FrameworkEntry;
import io.corral.master.state.TaskEntry;
import io.corral.master.state.TaskKey;
import io.corral.master.validation.LaunchPlan;
import io.corral.protocol.TaskState;
import io.corral.protocol.TaskStatusReason;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The frameworks' own schedulers run as tasks ({@code TaskInfo.scheduler_task}): at most one
 * non-terminal per framework, and together within the cluster's {@link SchedulerTaskShare}. Decides
 * which of a launch's scheduler tasks may start, and keeps the books of those that did. Loop-owned.
 *
 * <p>A task counts from its launch (or from the re-registration of the agent that runs it, after a
 * failover) until it is terminal or gone from its framework; such ones are dropped from the books
 * when next read, so no path that ends a task needs to tell this class. Against the share, only the
 * tasks that hold resources on agents in service count (not those on unreachable agents), measured
 * against those agents' total, each scalar resource on its own; a custom executor's own resources are
 * not counted.
 */
final class SchedulerTasks {
  private final MasterState s;
  private final SchedulerTaskShare rule;
  private final Map<TaskKey, TaskEntry> books = new LinkedHashMap<>();

  SchedulerTasks(MasterState state, SchedulerTaskShare rule) {
    this.s = state;
    this.rule = rule;
  }

  /**
   * The plan with the scheduler tasks that may not start moved to its refused ones: a framework's
   * second one is an error; one beyond the share is dropped with {@code REASON_SCHEDULER_TASK_SHARE}
   * (its framework launches it again later, as a YARN application waits for its AM's turn).
   */
  LaunchPlan admit(FrameworkEntry fw, LaunchPlan plan) {
    if (plan.accepted().stream().noneMatch(a -> a.task().getSchedulerTask())) {
      return plan;
    }
    prune();
    Resources cluster = cluster();
    Resources held = held();
    int running = books.size();
    String ownTask = books.values().stream().filter(t -> t.frameworkId().equals(fw.id())).map(TaskEntry::taskId)
        .findFirst().orElse(null);
    List<LaunchPlan.Accepted> accepted = new ArrayList<>(plan.accepted());
    List<LaunchPlan.Rejected> rejected = new ArrayList<>(plan.rejected());
    io.corral.common.resources.PooledResources used = plan.used();
    for (int i = 0; i < accepted.size(); i++) {
      LaunchPlan.Accepted a = accepted.get(i);
      if (!a.task().getSchedulerTask()) {
        continue;
      }
      Optional<LaunchPlan.Rejected> refused = ownTask != null
          ? Optional.of(new LaunchPlan.Rejected(a.task(), TaskState.TASK_ERROR, TaskStatusReason.REASON_TASK_INVALID,
              "framework " + fw.id() + " already runs scheduler task '" + ownTask
                  + "': a framework has at most one task with scheduler_task set until it ends"))
          : rule.refusal(cluster, held, running, a.resources().all()).map(why -> new LaunchPlan.Rejected(a.task(),
              TaskState.TASK_DROPPED, TaskStatusReason.REASON_SCHEDULER_TASK_SHARE, why));
      if (refused.isEmpty()) {
        ownTask = a.task().getTaskId();
        held = held.plus(a.resources().all());
        running++;
        continue;
      }
      rejected.add(refused.get());
      accepted.remove(i);
      used = used.minus(a.resources());
      if (!a.newExecutor().isEmpty()) { // the executor starts with the next task of the launch that uses it
        int next = nextOfExecutor(accepted, i, a);
        if (next < 0) {
          used = used.minus(a.newExecutor());
        } else {
          LaunchPlan.Accepted b = accepted.get(next);
          accepted.set(next, new LaunchPlan.Accepted(b.task(), b.resources(), a.newExecutor()));
        }
      }
      i--;
    }
    return new LaunchPlan(List.copyOf(accepted), List.copyOf(rejected), used);
  }

  private static int nextOfExecutor(List<LaunchPlan.Accepted> accepted, int from, LaunchPlan.Accepted a) {
    String executor = a.task().getExecutor().getExecutorId();
    for (int j = from; j < accepted.size(); j++) {
      if (accepted.get(j).task().hasExecutor() && accepted.get(j).task().getExecutor().getExecutorId().equals(executor)) {
        return j;
      }
    }
    return -1;
  }

  /** Books a scheduler task that was launched, or found running on an agent that re-registered. */
  void add(TaskEntry task) {
    if (task.schedulerTask()) {
      books.put(task.key(), task);
    }
  }

  MasterView.SchedulerTaskUsage usage() {
    prune();
    Resources cluster = cluster();
    Resources held = held();
    return new MasterView.SchedulerTaskUsage(books.size(), held, cluster, SchedulerTaskShare.of(cluster, held), rule.share());
  }

  private void prune() {
    for (Iterator<TaskEntry> it = books.values().iterator(); it.hasNext(); ) {
      TaskEntry t = it.next();
      FrameworkEntry fw = s.frameworks.get(t.frameworkId());
      if (TaskStates.isTerminal(t.state()) || fw == null || fw.tasks().get(t.taskId()) != t) {
        it.remove();
      }
    }
  }

  private Resources held() {
    Resources held = Resources.EMPTY;
    for (TaskEntry t : books.values()) {
      if (TaskBook.isLive(t)) {
        held = held.plus(t.resources().all().scalarsOnly());
      }
    }
    return held;
  }

  /** The agents in service (not unreachable), as the API's cluster totals count them. */
  private Resources cluster() {
    Resources total = Resources.EMPTY;
    for (AgentEntry a : s.agents.values()) {
      if (a.status() != AgentEntry.Status.UNREACHABLE) {
        total = total.plus(a.total().scalarsOnly());
      }
    }
    return total;
  }
}
