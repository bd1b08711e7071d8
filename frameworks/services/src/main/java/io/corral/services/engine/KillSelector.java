package io.corral.services.engine;

import io.corral.protocol.TaskState;
import io.corral.services.app.Constraint;
import io.corral.services.app.KillSelection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which tasks go first when an app has too many: those that serve least, as Marathon's scaling
 * proposition orders them (a task back from an unreachable agent, whose replacement runs already;
 * an unhealthy one; one staging; one starting; one running without a health result yet; then the
 * running ones that serve), and among equals the
 * youngest ({@code YOUNGEST_FIRST}, the default) or the oldest ({@code OLDEST_FIRST}), by when they
 * started running (or were launched). With {@code GROUP_BY} constraints the tasks of the largest
 * groups go first, so the spread stays even. Pure.
 */
final class KillSelector {
  private KillSelector() {}

  /** The {@code count} of {@code candidates} to kill, in the order to kill them. */
  static List<Instance> select(List<Instance> candidates, int count, KillSelection selection,
      List<Constraint> constraints) {
    List<Instance> left = new ArrayList<>(candidates);
    left.sort(order(selection));
    List<Constraint> groupBy = constraints.stream().filter(c -> c.operator() == Constraint.Operator.GROUP_BY).toList();
    List<Instance> out = new ArrayList<>();
    while (out.size() < count && !left.isEmpty()) {
      Instance next = groupBy.isEmpty() ? left.get(0) : fromLargestGroup(left, groupBy);
      out.add(next);
      left.remove(next);
    }
    return out;
  }

  /** The order in which tasks are killed: least serving first, then by {@code selection}. */
  static Comparator<Instance> order(KillSelection selection) {
    Comparator<Instant> byAge = Comparator.nullsFirst(Comparator.naturalOrder());
    Comparator<Instant> age = selection == KillSelection.OLDEST_FIRST ? byAge : byAge.reversed();
    return Comparator.comparingInt(KillSelector::weight)
        .thenComparing(i -> i.startedAt() != null ? i.startedAt() : i.stagedAt(), age)
        .thenComparing(Instance::taskId);
  }

  private static int weight(Instance i) {
    if (i.unreachable()) {
      return 0;
    }
    if (i.wasUnreachable()) {
      return 1;
    }
    if (Boolean.FALSE.equals(i.healthy())) {
      return 2;
    }
    if (i.state() == TaskState.TASK_STAGING) {
      return 3;
    }
    if (i.state() == TaskState.TASK_STARTING) {
      return 4;
    }
    return i.ready() ? 6 : 5;
  }

  /** The first of {@code left} (in kill order) whose groups are the largest, summed over the constraints. */
  private static Instance fromLargestGroup(List<Instance> left, List<Constraint> groupBy) {
    List<Map<String, Integer>> sizes = new ArrayList<>();
    for (Constraint c : groupBy) {
      Map<String, Integer> groups = new HashMap<>();
      for (Instance i : left) {
        groups.merge(String.valueOf(i.placement().value(c.field())), 1, Integer::sum);
      }
      sizes.add(groups);
    }
    Instance best = null;
    int bestScore = -1;
    for (Instance i : left) {
      int score = 0;
      for (int k = 0; k < groupBy.size(); k++) {
        score += sizes.get(k).get(String.valueOf(i.placement().value(groupBy.get(k).field())));
      }
      if (score > bestScore) {
        best = i;
        bestScore = score;
      }
    }
    return best;
  }
}
