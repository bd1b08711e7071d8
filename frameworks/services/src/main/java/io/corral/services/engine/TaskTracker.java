package io.corral.services.engine;

import io.corral.common.task.TaskStates;
import io.corral.protocol.TaskState;
import io.corral.protocol.TaskStatus;
import io.corral.protocol.TaskStatusReason;
import io.corral.services.app.AppDefinition;
import io.corral.services.app.TaskFailureView;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the kernel's status updates (and reconciliation answers) to the engine's tasks. A task that
 * ends is forgotten (the engine then launches a replacement if its app still wants it); one the
 * master knows nothing of ({@code TASK_UNKNOWN}) has ended too. A live task the engine does not know
 * (left from before a failover, or of a deleted app) is killed.
 *
 * <p>A task that ends without the engine asking: its failure is the app's {@code lastTaskFailure}
 * when it failed, was lost, dropped or gone, or was killed as unhealthy; and when it failed, finished,
 * was invalid ({@code TASK_ERROR}) or was killed as unhealthy (a crash loop; not an agent lost, nor a
 * launch dropped before it ran), the app's launches back off
 * ({@link Backoff}), if it ran the app's current configuration.
 */
final class TaskTracker {
  private static final Logger LOG = LoggerFactory.getLogger(TaskTracker.class);
  private static final Set<TaskState> FAILED = EnumSet.of(TaskState.TASK_FAILED, TaskState.TASK_ERROR,
      TaskState.TASK_LOST, TaskState.TASK_DROPPED, TaskState.TASK_GONE, TaskState.TASK_GONE_BY_OPERATOR,
      TaskState.TASK_UNKNOWN);
  private static final Set<TaskState> BACKS_OFF = EnumSet.of(TaskState.TASK_FAILED, TaskState.TASK_FINISHED,
      TaskState.TASK_ERROR);

  private final EngineModel m;

  TaskTracker(EngineModel m) {
    this.m = m;
  }

  void update(TaskStatus status, Effects out) {
    Instance i = m.instances.get(status.getTaskId());
    TaskState state = status.getState();
    boolean ended = TaskStates.isTerminal(state) || state == TaskState.TASK_UNKNOWN;
    if (i == null) {
      if (!ended && state != TaskState.TASK_STATE_UNSPECIFIED) {
        LOG.info("killing task {} on agent {}: no app of this framework knows it", status.getTaskId(),
            status.getAgentId());
        out.add(new Effect.Kill(status.getTaskId(), status.getAgentId(), null));
      }
      return;
    }
    if (ended) {
      ended(i, status, out);
    } else if (state != TaskState.TASK_STATE_UNSPECIFIED) {
      running(i, status, out);
    }
  }

  private void running(Instance i, TaskStatus status, Effects out) {
    Instant now = m.now();
    Instance next = i.updated(status, now);
    if (next.equals(i)) {
      return;
    }
    m.putInstance(next, out);
    if (next.state() != i.state()) {
      out.publish(Events.statusUpdate(next, status, now));
    }
    if (status.hasHealthy() && !Boolean.valueOf(status.getHealthy()).equals(i.healthy())) {
      out.publish(Events.healthChanged(next, now));
    }
  }

  private void ended(Instance i, TaskStatus status, Effects out) {
    Instant now = m.now();
    m.removeInstance(i, out);
    out.publish(Events.statusUpdate(i, status, now));
    boolean unhealthy = status.getState() == TaskState.TASK_KILLED
        && status.getReason() == TaskStatusReason.REASON_TASK_UNHEALTHY;
    if (unhealthy) {
      out.publish(Events.unhealthyKill(i, status.getMessage(), now));
    }
    if (i.killRequested()) {
      return;
    }
    if (unhealthy || FAILED.contains(status.getState())) {
      m.putFailure(new TaskFailureView(i.appId(), i.taskId(), i.host(), status.getState().name(),
          status.getMessage(), now, i.version()), out);
    }
    AppDefinition app = m.apps.get(i.appId());
    if (app != null && (unhealthy || BACKS_OFF.contains(status.getState()))
        && m.configVersion(app).equals(i.configVersion())) {
      m.backoff.failed(app, i.configVersion(), now);
      LOG.info("task {} of {} ended ({}): its next launches wait {} s", i.taskId(), app.id(),
          status.getState(), m.backoff.seconds(app.id()));
    }
  }
}
