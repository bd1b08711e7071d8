package io.corral.services.engine;

import java.util.List;

/**
 * What one app needs now: tasks to kill, how many new tasks to launch (before backoff), and whether
 * the deployment action under way for it is done.
 */
record AppPlan(List<Instance> kill, int launch, boolean done) {
  static final AppPlan IDLE = new AppPlan(List.of(), 0, false);
  static final AppPlan DONE = new AppPlan(List.of(), 0, true);

  AppPlan {
    kill = List.copyOf(kill);
  }
}
