package io.corral.scheduler;

import io.corral.protocol.TaskState;
import io.corral.protocol.TaskStatus;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Explicit reconciliation of the task ids a scheduler may have used, as it does after failing
 * over (Mesos {@code docs/reconciliation.md}): it asks the master for the latest state of each
 * id and keeps one answer per id, the master's reconciliation answer or any update about that
 * task that arrives first (updates of one task arrive in order, so the answer kept is the
 * latest). It is done once every id has an answer: the master answers {@code TASK_UNKNOWN} for
 * ids it never heard of, and waits for agents it expects back before answering about theirs.
 *
 * <p>Ids are grouped by a key of the scheduler's (say, the task number whose attempts they
 * are), in launch order; {@link #latest()} gives, per key, the answer of its last known id.
 *
 * <p>Not thread-safe: use it from the scheduler's callbacks, which the driver runs one at a time.
 *
 * @param <K> what the scheduler calls the task an id is an attempt of
 */
public final class TaskReconciler<K> {
  private final Map<String, K> asked;
  private final Map<String, TaskStatus> answers = new HashMap<>();

  /** @param taskIds every id to ask about, with its key, in launch order */
  public TaskReconciler(Map<String, K> taskIds) {
    this.asked = new LinkedHashMap<>(taskIds);
  }

  /** One that asks nothing and is done at once. */
  public static <K> TaskReconciler<K> none() {
    return new TaskReconciler<>(Map.of());
  }

  /**
   * Asks about every id without an answer yet. Call it on registration and on each
   * re-registration (answers in flight are lost with a broken stream); does nothing once done.
   */
  public void ask(SchedulerDriver driver) {
    List<TaskStatus> unanswered = asked.keySet().stream().filter(id -> !answers.containsKey(id))
        .map(id -> TaskStatus.newBuilder().setTaskId(id).build()).toList();
    if (!unanswered.isEmpty()) {
      driver.reconcileTasks(unanswered);
    }
  }

  /**
   * Adds ids to ask about and asks them (say, the next attempts of tasks whose last asked id turned
   * out to be known: there may be later ones). Give them in launch order, after the ids asked
   * before; it is not done again until they are answered.
   */
  public void askMore(SchedulerDriver driver, Map<String, K> taskIds) {
    asked.putAll(taskIds);
    ask(driver);
  }

  /**
   * Takes {@code status} as an answer if reconciliation is under way and it is about an asked id.
   *
   * @return whether it was taken (then the scheduler should not act on it by itself)
   */
  public boolean offer(TaskStatus status) {
    if (done() || !asked.containsKey(status.getTaskId())) {
      return false;
    }
    answers.put(status.getTaskId(), status);
    return true;
  }

  /** Whether every asked id has an answer (at once when nothing was asked). */
  public boolean done() {
    return answers.size() == asked.size();
  }

  /** Per key, the answer of its last id (in launch order) whose state is known to the master. */
  public Map<K, TaskStatus> latest() {
    Map<K, TaskStatus> out = new LinkedHashMap<>();
    known().forEach((key, statuses) -> out.put(key, statuses.get(statuses.size() - 1)));
    return out;
  }

  /** Per key, the answers of its ids whose state is known to the master, in launch order. */
  public Map<K, List<TaskStatus>> known() {
    Map<K, List<TaskStatus>> out = new LinkedHashMap<>();
    asked.forEach((id, key) -> {
      TaskStatus s = answers.get(id);
      if (s != null && s.getState() != TaskState.TASK_UNKNOWN) {
        out.computeIfAbsent(key, k -> new ArrayList<>()).add(s);
      }
    });
    return out;
  }
}
