package io.corral.services.engine;

import io.corral.services.app.AppDefinition;
import io.corral.services.app.UpgradeStrategy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A rolling restart or upgrade, one decision at a time: which tasks of the old configurations to
 * kill and how many of the new one to launch, from the app's tasks as they are now. Pure, and
 * stateless between decisions, so a new leader carries on where the old one was.
 *
 * <p>The rule is Marathon's ({@code TaskReplaceActor}), with {@code n = instances}:
 * {@code minHealthy = ceil(n × minimumHealthCapacity)} tasks must keep serving, and no more than
 * {@code maxCapacity = floor(n × (1 + maximumOverCapacity))} tasks may exist, old and new together
 * (an old task counts until it has ended). When the two are equal no new task could ever start, so,
 * as Marathon does, one task more is allowed ({@code minimumHealthCapacity: 1} with
 * {@code maximumOverCapacity: 0} runs {@code n + 1} for a while).
 *
 * <ul>
 *   <li>Old tasks that do not serve (staging, unhealthy, unreachable) are killed at once: they add
 *       nothing to the serving count.
 *   <li>Old tasks that serve are killed while more than {@code minHealthy} tasks serve: at first as
 *       many as exceed it, then one for each new task that starts serving.
 *   <li>New tasks are launched up to {@code n}, within {@code maxCapacity}.
 * </ul>
 * A new configuration that never serves therefore never replaces the old tasks that serve: the
 * deployment stays until it is rolled back or forced. Done when no old task is left and {@code n}
 * new ones serve.
 */
final class RollingReplace {
  /** Rounding slack, so that 10 × 0.7 is 7, not 8. */
  private static final double EPSILON = 1e-9;

  private RollingReplace() {}

  /** How many tasks must serve and how many may exist during a restart to {@code n} tasks. */
  record Bounds(int minHealthy, int maxCapacity) {
    static Bounds of(int n, UpgradeStrategy s) {
      int min = (int) Math.ceil(n * s.minimumHealthCapacity() - EPSILON);
      int max = (int) Math.floor(n * (1 + s.maximumOverCapacity()) + EPSILON);
      return new Bounds(min, min == max ? max + 1 : max);
    }
  }

  /** The next decision for {@code app} replacing every task not of {@code configVersion}. */
  static AppPlan plan(AppDefinition app, Instant configVersion, List<Instance> tasks) {
    int n = app.instances();
    Bounds bounds = Bounds.of(n, app.upgradeStrategy());
    List<Instance> old = new ArrayList<>();
    List<Instance> fresh = new ArrayList<>();
    List<Instance> kill = new ArrayList<>();
    for (Instance i : tasks) {
      boolean current = configVersion.equals(i.configVersion());
      if (i.unreachable()) {
        if (!current && !i.killRequested()) {
          kill.add(i);
        }
      } else {
        (current ? fresh : old).add(i);
      }
    }
    List<Instance> oldAlive = old.stream().filter(i -> !i.killRequested())
        .sorted(KillSelector.order(app.killSelection())).toList();
    List<Instance> freshAlive = fresh.stream().filter(i -> !i.killRequested()).toList();
    long serving = oldAlive.stream().filter(Instance::ready).count() + freshAlive.stream().filter(Instance::ready).count();
    long spare = serving - bounds.minHealthy();
    for (Instance o : oldAlive) {
      if (!o.ready()) {
        kill.add(o);
      } else if (spare > 0) {
        kill.add(o);
        spare--;
      }
    }
    if (freshAlive.size() > n) {
      kill.addAll(KillSelector.select(freshAlive, freshAlive.size() - n, app.killSelection(), app.constraints()));
    }
    int launch = Math.max(0, Math.min(n - freshAlive.size(), bounds.maxCapacity() - old.size() - fresh.size()));
    boolean done = old.isEmpty() && freshAlive.size() == n && freshAlive.stream().allMatch(Instance::ready)
        && fresh.stream().noneMatch(Instance::killRequested);
    return new AppPlan(kill, launch, done);
  }
}
