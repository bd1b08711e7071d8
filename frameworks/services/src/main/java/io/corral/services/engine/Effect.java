package io.corral.services.engine;

import io.corral.protocol.TaskInfo;
import io.corral.protocol.TaskStatus;
import io.corral.services.app.ServicesEvent;
import io.corral.services.app.ServicesSnapshot;
import java.util.List;

/**
 * What the engine wants done, as data: the engine decides, {@link EffectRunner} carries it out, in
 * order (a task is stored before its launch is sent).
 */
public sealed interface Effect {
  /** Launch {@code tasks} on the offer; what they leave of it is declined for {@code refuseSeconds}. */
  record Launch(String offerId, List<TaskInfo> tasks, double refuseSeconds) implements Effect {
    public Launch {
      tasks = List.copyOf(tasks);
    }
  }

  /** Decline the offer for {@code refuseSeconds}. */
  record Decline(String offerId, double refuseSeconds) implements Effect {}

  /**
   * Kill a task.
   *
   * @param gracePeriodSeconds time between SIGTERM and SIGKILL; null for the task's own kill policy
   */
  record Kill(String taskId, String agentId, Double gracePeriodSeconds) implements Effect {}

  /** Ask the master for the latest state of these tasks (task and agent ids); empty: of all the framework's tasks. */
  record Reconcile(List<TaskStatus> tasks) implements Effect {
    public Reconcile {
      tasks = List.copyOf(tasks);
    }
  }

  /** Offers again (filters cleared). */
  record Revive() implements Effect {}

  /** No offers until revived. */
  record Suppress() implements Effect {}

  /**
   * The framework's roles change (Mesos' UPDATE_FRAMEWORK): its own role first, then those its apps
   * name; {@code suppressed}: offers of all of them suppressed, else of none.
   */
  record Roles(List<String> roles, boolean suppressed) implements Effect {
    public Roles {
      roles = List.copyOf(roles);
    }
  }

  /** Store these changes of the engine's state, together. */
  record Persist(List<StateChange> changes) implements Effect {
    public Persist {
      changes = List.copyOf(changes);
    }
  }

  /** Tell event stream subscribers. */
  record Publish(ServicesEvent event) implements Effect {}

  /** The state the API shows changed: this is it now. */
  record Snapshot(ServicesSnapshot snapshot) implements Effect {}
}
