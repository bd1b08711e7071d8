package io.corral.agent.updates;

import com.google.protobuf.ByteString;
import io.corral.agent.exec.TaskKey;
import io.corral.common.loop.EventLoop;
import io.corral.common.task.TaskStates;
import io.corral.protocol.TaskStatus;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Delivers status updates to frameworks reliably and in order. Each task has a stream of
 * updates; only its head is in flight, resent with exponential backoff until the framework
 * acknowledges it (through the master), then the next goes. Heads that become ready in the
 * same turn of the loop leave in one message. Loop-owned.
 */
public final class StatusUpdateManager {
  private final EventLoop loop;
  private final Consumer<List<TaskStatus>> sender;
  private final Consumer<TaskKey> onTerminalAcknowledged;
  private final Duration retryMin;
  private final Duration retryMax;
  private final Map<TaskKey, Stream> streams = new HashMap<>();
  private final List<TaskStatus> batch = new ArrayList<>();
  private boolean flushQueued;
  private boolean connected;

  /**
   * @param sender sends a batch of updates to the master (only called while connected)
   * @param onTerminalAcknowledged called when a task's terminal update is acknowledged
   */
  public StatusUpdateManager(EventLoop loop, Consumer<List<TaskStatus>> sender,
      Consumer<TaskKey> onTerminalAcknowledged, Duration retryMin, Duration retryMax) {
    this.loop = loop;
    this.sender = sender;
    this.onTerminalAcknowledged = onTerminalAcknowledged;
    this.retryMin = retryMin;
    this.retryMax = retryMax;
  }

  private final class Stream {
    final TaskKey key;
    final ArrayDeque<TaskStatus> pending = new ArrayDeque<>();
    final Set<ByteString> seen = new HashSet<>();
    Duration nextRetry = retryMin;
    EventLoop.Cancellable retryTimer;
    boolean headSent;

    Stream(TaskKey key) {
      this.key = key;
    }
  }

  /**
   * Queues an update (it must carry a uuid). A uuid seen before for the task is ignored, so
   * an executor may resend after reconnecting. Returns whether the update is new.
   */
  public boolean add(TaskStatus update) {
    TaskKey key = new TaskKey(update.getFrameworkId(), update.getTaskId());
    Stream s = streams.computeIfAbsent(key, Stream::new);
    if (!s.seen.add(update.getUuid())) {
      return false;
    }
    s.pending.add(update);
    if (s.pending.size() == 1) {
      sendHead(s);
    }
    return true;
  }

  /** The framework acknowledged an update. Unknown or stale acknowledgements are ignored. */
  public void acknowledge(TaskKey key, ByteString uuid) {
    Stream s = streams.get(key);
    if (s == null || s.pending.isEmpty() || !s.pending.peek().getUuid().equals(uuid)) {
      return;
    }
    TaskStatus acked = s.pending.poll();
    cancelRetry(s);
    s.nextRetry = retryMin;
    s.headSent = false;
    if (!s.pending.isEmpty()) {
      sendHead(s);
    } else if (TaskStates.isTerminal(acked.getState())) {
      streams.remove(key);
      onTerminalAcknowledged.accept(key);
    }
  }

  /** The link to the master is up: every head goes out now. */
  public void connected() {
    connected = true;
    resend(k -> true);
  }

  public void disconnected() {
    connected = false;
  }

  /** Resends the heads of one framework's tasks now (it re-subscribed). */
  public void resendFramework(String frameworkId) {
    resend(k -> k.frameworkId().equals(frameworkId));
  }

  private void resend(java.util.function.Predicate<TaskKey> which) {
    for (Stream s : streams.values()) {
      if (which.test(s.key) && !s.pending.isEmpty()) {
        cancelRetry(s);
        s.nextRetry = retryMin;
        sendHead(s);
      }
    }
  }

  /** Forgets every update of a removed framework. */
  public void dropFramework(String frameworkId) {
    streams.values().removeIf(s -> {
      if (s.key.frameworkId().equals(frameworkId)) {
        cancelRetry(s);
        return true;
      }
      return false;
    });
  }

  /** Forgets every update (the agent was shut down by the master and starts anew). */
  public void dropAll() {
    streams.values().forEach(StatusUpdateManager::cancelRetry);
    streams.clear();
    batch.clear();
  }

  /** The task's updates not yet acknowledged, oldest first (what the checkpoint keeps). */
  public List<TaskStatus> unacknowledged(TaskKey key) {
    Stream s = streams.get(key);
    return s == null ? List.of() : List.copyOf(s.pending);
  }

  /** Updates not yet acknowledged, of every task. */
  public int pending() {
    int n = 0;
    for (Stream s : streams.values()) {
      n += s.pending.size();
    }
    return n;
  }

  /** Whether the task still has updates waiting for acknowledgement. */
  public boolean hasPending(TaskKey key) {
    Stream s = streams.get(key);
    return s != null && !s.pending.isEmpty();
  }

  private void sendHead(Stream s) {
    TaskStatus head = s.pending.peek();
    if (head == null) {
      return;
    }
    s.headSent = true;
    if (connected) {
      batch.add(head);
      if (!flushQueued) {
        flushQueued = true;
        loop.execute(this::flush);
      }
    }
    Duration delay = s.nextRetry;
    Duration doubled = delay.multipliedBy(2);
    s.nextRetry = doubled.compareTo(retryMax) > 0 ? retryMax : doubled;
    ByteString uuid = head.getUuid();
    cancelRetry(s);
    s.retryTimer = loop.schedule(delay, () -> {
      s.retryTimer = null;
      if (!s.pending.isEmpty() && s.pending.peek().getUuid().equals(uuid) && streams.get(s.key) == s) {
        sendHead(s);
      }
    });
  }

  private void flush() {
    flushQueued = false;
    if (batch.isEmpty()) {
      return;
    }
    List<TaskStatus> out = new ArrayList<>(batch);
    batch.clear();
    if (connected) {
      sender.accept(out);
    }
  }

  private static void cancelRetry(Stream s) {
    if (s.retryTimer != null) {
      s.retryTimer.cancel();
      s.retryTimer = null;
    }
  }
}
