package io.corral.services.engine;

import io.corral.services.app.AppDefinition;
import java.util.List;

/**
 * What an app needs now, for each kind of work: keeping its instance count (a scale, or no
 * deployment at all), stopping it, or a rolling restart ({@link RollingReplace}). Pure: given the
 * app and its tasks (those not ended), it decides; the engine carries it out.
 */
final class AppPlanner {
  private AppPlanner() {}

  /**
   * Keeps {@code app.instances()} tasks: launches the missing ones, kills the surplus in
   * {@link KillSelector}'s order. Done (for a scale) when exactly that many are active, all serve,
   * and no task it killed is still ending.
   */
  static AppPlan scale(AppDefinition app, List<Instance> tasks) {
    List<Instance> active = tasks.stream().filter(Instance::active).toList();
    int n = app.instances();
    if (active.size() > n) {
      return new AppPlan(KillSelector.select(active, active.size() - n, app.killSelection(), app.constraints()),
          0, false);
    }
    boolean done = active.size() == n && active.stream().allMatch(Instance::ready)
        && tasks.stream().noneMatch(i -> i.killRequested() && !i.unreachable());
    return new AppPlan(List.of(), n - active.size(), done);
  }

  /**
   * Kills every task. Done when none is left but those on unreachable agents (which the kernel kills
   * if they come back; the engine forgets them).
   */
  static AppPlan stop(List<Instance> tasks) {
    return new AppPlan(tasks.stream().filter(i -> !i.killRequested()).toList(), 0,
        tasks.stream().allMatch(Instance::unreachable));
  }
}
