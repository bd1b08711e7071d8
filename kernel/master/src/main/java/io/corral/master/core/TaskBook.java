package io.corral.master.core;

import io.corral.master.state.AgentEntry;
import io.corral.master.state.ExecutorEntry;
import io.corral.master.state.ExecutorKey;
import io.corral.master.state.FrameworkEntry;
import io.corral.master.state.TaskEntry;
import io.corral.master.task.TaskStateMachine;
import io.corral.protocol.TaskState;
import io.corral.protocol.TaskStatus;
import java.time.Duration;

/**
 * Applies task state changes to the books: the state machine decides, this class carries
 * out its side effects (resources back to the allocator, task into the completed history).
 */
final class TaskBook {
  private final MasterState s;
  private final OfferManager offers;
  /** Told of every task that ended (archived). */
  private final java.util.function.Consumer<TaskEntry> ended;

  TaskBook(MasterState state, OfferManager offers, java.util.function.Consumer<TaskEntry> ended) {
    this.s = state;
    this.offers = offers;
    this.ended = ended;
  }

  /** Applies a reported status; returns whether the task's state was accepted. */
  boolean apply(TaskEntry task, TaskStatus status) {
    TaskStateMachine.Transition t = TaskStateMachine.apply(task.state(), status.getState());
    if (!t.accepted()) {
      return false;
    }
    boolean changed = t.state() != task.state();
    task.update(t.state(), status);
    if (changed) {
      s.metrics.taskReached(t.state());
    }
    for (TaskStateMachine.SideEffect effect : t.effects()) {
      switch (effect) {
        case RELEASE_RESOURCES -> release(task);
        case ARCHIVE -> archive(task);
      }
    }
    return true;
  }

  private void release(TaskEntry task) {
    AgentEntry agent = s.agents.get(task.agentId());
    if (agent != null && agent.status() != AgentEntry.Status.UNREACHABLE) {
      offers.recover(task.frameworkId(), task.role(), task.agentId(), task.resources(), Duration.ZERO);
    }
  }

  private void archive(TaskEntry task) {
    FrameworkEntry fw = s.frameworks.get(task.frameworkId());
    if (fw != null) {
      fw.tasks().remove(task.taskId());
      fw.completed().put(task.taskId(), task.toProto());
    }
    AgentEntry agent = s.agents.get(task.agentId());
    if (agent != null) {
      agent.tasks().remove(task.key());
      Operations.drainedIfEmpty(agent);
    }
    ended.accept(task);
  }

  /** Forgets an executor that exited and returns its own resources. */
  void executorGone(AgentEntry agent, ExecutorKey key) {
    ExecutorEntry ex = agent.executors().remove(key);
    if (ex != null && agent.status() != AgentEntry.Status.UNREACHABLE) {
      offers.recover(key.frameworkId(), ex.role(), agent.id(), ex.resources(), Duration.ZERO);
    }
  }

  /** Whether the task is in a state that still holds resources on its agent. */
  static boolean isLive(TaskEntry t) {
    return t.state() != TaskState.TASK_UNREACHABLE;
  }
}
