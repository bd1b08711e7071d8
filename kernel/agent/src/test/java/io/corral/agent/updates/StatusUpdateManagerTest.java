package io.corral.agent.updates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.corral.agent.exec.TaskKey;
import io.corral.common.loop.EventLoop;
import io.corral.protocol.TaskState;
import io.corral.protocol.TaskStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Drives the manager on a real loop; the "master" is a recording sender. */
@Timeout(60)
class StatusUpdateManagerTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final Duration FAST_MIN = Duration.ofMillis(50);
  private static final Duration FAST_MAX = Duration.ofMillis(400);
  /** Retries so slow that none happens during a test. */
  private static final Duration NEVER = Duration.ofHours(1);

  private final EventLoop loop = EventLoop.threaded("updates-test");
  private final List<Sent> sent = new CopyOnWriteArrayList<>();
  private final List<TaskKey> terminalAcked = new CopyOnWriteArrayList<>();
  private StatusUpdateManager manager;

  private record Sent(long nanos, List<TaskStatus> batch) {}

  @AfterEach
  void stop() {
    loop.close();
  }

  private void start(Duration retryMin, Duration retryMax, boolean connected) {
    manager = new StatusUpdateManager(loop,
        batch -> sent.add(new Sent(System.nanoTime(), List.copyOf(batch))),
        terminalAcked::add, retryMin, retryMax);
    if (connected) {
      on(manager::connected);
    }
  }

  private <T> T on(Supplier<T> action) {
    return loop.submit(action).join();
  }

  private void on(Runnable action) {
    on(() -> {
      action.run();
      return null;
    });
  }

  private static ByteString uuid(String s) {
    return ByteString.copyFromUtf8(s);
  }

  private static TaskStatus update(String framework, String task, TaskState state, String uuid) {
    return TaskStatus.newBuilder().setFrameworkId(framework).setTaskId(task).setState(state)
        .setUuid(uuid(uuid)).build();
  }

  private List<TaskStatus> allSent() {
    List<TaskStatus> out = new ArrayList<>();
    sent.forEach(s -> out.addAll(s.batch()));
    return out;
  }

  private long timesSent(String uuid) {
    return allSent().stream().filter(u -> u.getUuid().equals(uuid(uuid))).count();
  }

  /** Waits until nothing else can still be due: a marker scheduled after {@code d} ran. */
  private void letTimePass(Duration d) {
    AtomicBoolean marker = new AtomicBoolean();
    loop.schedule(d, () -> marker.set(true));
    await().atMost(WAIT).untilTrue(marker);
  }

  @Test
  void onlyTheHeadOfEachTaskIsInFlight() {
    start(FAST_MIN, FAST_MAX, true);
    on(() -> {
      manager.add(update("fw", "t1", TaskState.TASK_RUNNING, "u1"));
      manager.add(update("fw", "t1", TaskState.TASK_FINISHED, "u2"));
    });

    await().atMost(WAIT).until(() -> timesSent("u1") >= 3);
    assertThat(timesSent("u2")).as("the second update waits for the first to be acknowledged").isZero();
    assertThat(on(manager::pending)).isEqualTo(2);
  }

  @Test
  void acknowledgingTheHeadSendsTheNextAndStopsResendingIt() {
    start(FAST_MIN, FAST_MAX, true);
    on(() -> {
      manager.add(update("fw", "t1", TaskState.TASK_RUNNING, "u1"));
      manager.add(update("fw", "t1", TaskState.TASK_FINISHED, "u2"));
    });
    await().atMost(WAIT).until(() -> timesSent("u1") >= 1);

    long u1Sends = on(() -> {
      manager.acknowledge(new TaskKey("fw", "t1"), uuid("u1"));
      return timesSent("u1");
    });

    await().atMost(WAIT).until(() -> timesSent("u2") >= 3);
    assertThat(timesSent("u1")).as("no resend after the acknowledgement").isEqualTo(u1Sends);
    assertThat(on(manager::pending)).isEqualTo(1);
  }

  @Test
  void staleAndUnknownAcknowledgementsAreIgnored() {
    start(NEVER, NEVER, true);
    TaskKey t1 = new TaskKey("fw", "t1");
    on(() -> {
      manager.add(update("fw", "t1", TaskState.TASK_RUNNING, "u1"));
      manager.add(update("fw", "t1", TaskState.TASK_FINISHED, "u2"));
    });
    await().atMost(WAIT).until(() -> timesSent("u1") == 1);

    on(() -> {
      manager.acknowledge(t1, uuid("u2")); // not the head yet
      manager.acknowledge(t1, uuid("nope"));
      manager.acknowledge(new TaskKey("fw", "other-task"), uuid("u1"));
      manager.acknowledge(new TaskKey("other-fw", "t1"), uuid("u1"));
    });
    assertThat(on(manager::pending)).isEqualTo(2);

    on(() -> manager.acknowledge(t1, uuid("u1")));
    await().atMost(WAIT).until(() -> timesSent("u2") == 1);
    on(() -> manager.acknowledge(t1, uuid("u1"))); // stale: already acknowledged
    assertThat(on(manager::pending)).isEqualTo(1);
    assertThat(on(() -> manager.hasPending(t1))).isTrue();
    assertThat(terminalAcked).isEmpty();
  }

  @Test
  void unacknowledgedHeadsAreResentWithGrowingDelays() {
    start(FAST_MIN, FAST_MAX, true);
    long added = System.nanoTime();
    on(() -> manager.add(update("fw", "t1", TaskState.TASK_RUNNING, "u1")));

    await().atMost(WAIT).until(() -> sent.size() >= 5);

    // Delays 50, 100, 200, 400 ms, each counted from the previous send: resend k never comes before
    // the sum of the first k delays has passed since the update was added. (Measured from the add,
    // not between sends: a stalled loop may flush a send late and its resend right after it.)
    long[] expectedMillis = {50, 100, 200, 400};
    long due = 0;
    for (int i = 0; i < expectedMillis.length; i++) {
      due += expectedMillis[i];
      assertThat(Duration.ofNanos(sent.get(i + 1).nanos() - added)).as("time of resend %d", i + 1)
          .isGreaterThanOrEqualTo(Duration.ofMillis(due));
    }
    assertThat(sent).allSatisfy(s -> assertThat(s.batch()).extracting(TaskStatus::getUuid).containsExactly(uuid("u1")));
  }

  @Test
  void resendDelaysStopGrowingAtTheMaximum() {
    start(Duration.ofMillis(50), Duration.ofMillis(100), true);
    long start = System.nanoTime();
    on(() -> manager.add(update("fw", "t1", TaskState.TASK_RUNNING, "u1")));

    // Capped: 50 + 6 x 100 ms. Uncapped doubling would need more than 6 s for these 8 sends.
    await().atMost(WAIT).until(() -> sent.size() >= 8);
    assertThat(Duration.ofNanos(sent.get(7).nanos() - start)).isLessThan(Duration.ofSeconds(4));
  }

  @Test
  void duplicateUuidsAreIgnored() {
    start(NEVER, NEVER, true);
    TaskStatus u1 = update("fw", "t1", TaskState.TASK_RUNNING, "u1");
    assertThat(on(() -> manager.add(u1))).isTrue();
    assertThat(on(() -> manager.add(u1))).isFalse();
    assertThat(on(() -> manager.add(u1.toBuilder().setMessage("resent by the executor").build()))).isFalse();
    assertThat(on(manager::pending)).isEqualTo(1);

    on(() -> manager.acknowledge(new TaskKey("fw", "t1"), uuid("u1")));
    assertThat(on(() -> manager.add(u1))).as("still a duplicate after its acknowledgement").isFalse();
    assertThat(on(manager::pending)).isZero();
    assertThat(timesSent("u1")).isEqualTo(1);
  }

  @Test
  void headsThatBecomeReadyInOneTurnLeaveInOneBatch() {
    start(NEVER, NEVER, true);
    on(() -> {
      for (int i = 0; i < 20; i++) {
        manager.add(update("fw", "t" + i, TaskState.TASK_RUNNING, "u" + i));
      }
    });

    await().atMost(WAIT).until(() -> !sent.isEmpty());
    letTimePass(Duration.ofMillis(50));
    assertThat(sent).hasSize(1);
    assertThat(sent.get(0).batch()).hasSize(20);
  }

  @Test
  void nothingIsSentWhileDisconnectedAndEveryHeadGoesOutOnConnect() {
    start(FAST_MIN, FAST_MAX, false);
    on(() -> {
      manager.add(update("fw", "t1", TaskState.TASK_RUNNING, "a1"));
      manager.add(update("fw", "t1", TaskState.TASK_FINISHED, "a2"));
      manager.add(update("fw", "t2", TaskState.TASK_RUNNING, "b1"));
      manager.add(update("fw2", "t3", TaskState.TASK_STARTING, "c1"));
    });
    letTimePass(Duration.ofMillis(400)); // several retry periods
    assertThat(sent).isEmpty();

    on(manager::connected);

    await().atMost(WAIT).until(() -> !sent.isEmpty());
    assertThat(sent.get(0).batch()).extracting(TaskStatus::getUuid)
        .containsExactlyInAnyOrder(uuid("a1"), uuid("b1"), uuid("c1"));
  }

  @Test
  void aDisconnectStopsSendingUntilTheNextConnect() {
    start(FAST_MIN, FAST_MAX, true);
    on(() -> manager.add(update("fw", "t1", TaskState.TASK_RUNNING, "u1")));
    await().atMost(WAIT).until(() -> timesSent("u1") >= 1);

    int before = on(() -> {
      manager.disconnected();
      return sent.size();
    });
    letTimePass(Duration.ofMillis(400));
    assertThat(sent).hasSize(before);

    on(manager::connected);
    await().atMost(WAIT).until(() -> sent.size() > before);
  }

  @Test
  void resendFrameworkResendsOnlyThatFrameworksHeads() {
    start(NEVER, NEVER, true);
    on(() -> {
      manager.add(update("fw1", "t1", TaskState.TASK_RUNNING, "x1"));
      manager.add(update("fw1", "t2", TaskState.TASK_RUNNING, "x2"));
      manager.add(update("fw2", "t1", TaskState.TASK_RUNNING, "y1"));
    });
    await().atMost(WAIT).until(() -> sent.size() == 1);

    on(() -> manager.resendFramework("fw1"));

    await().atMost(WAIT).until(() -> sent.size() == 2);
    assertThat(sent.get(1).batch()).extracting(TaskStatus::getUuid)
        .containsExactlyInAnyOrder(uuid("x1"), uuid("x2"));
  }

  @Test
  void dropFrameworkForgetsItsUpdates() {
    start(FAST_MIN, FAST_MAX, true);
    on(() -> {
      manager.add(update("fw1", "t1", TaskState.TASK_FINISHED, "x1"));
      manager.add(update("fw2", "t1", TaskState.TASK_RUNNING, "y1"));
    });
    await().atMost(WAIT).until(() -> timesSent("x1") >= 1);

    long x1Sends = on(() -> {
      manager.dropFramework("fw1");
      return timesSent("x1");
    });

    assertThat(on(manager::pending)).isEqualTo(1);
    assertThat(on(() -> manager.hasPending(new TaskKey("fw1", "t1")))).isFalse();
    long y1Sends = timesSent("y1");
    await().atMost(WAIT).until(() -> timesSent("y1") >= y1Sends + 2);
    assertThat(timesSent("x1")).as("no resend of a dropped framework's update").isEqualTo(x1Sends);
    on(() -> manager.resendFramework("fw1"));
    on(() -> manager.acknowledge(new TaskKey("fw1", "t1"), uuid("x1")));
    assertThat(terminalAcked).isEmpty();
  }

  @Test
  void theTerminalCallbackFiresOnlyOnceTheTerminalUpdateIsAcknowledged() {
    start(NEVER, NEVER, true);
    TaskKey t1 = new TaskKey("fw", "t1");
    TaskKey t2 = new TaskKey("fw", "t2");
    on(() -> {
      manager.add(update("fw", "t1", TaskState.TASK_RUNNING, "u1"));
      manager.add(update("fw", "t1", TaskState.TASK_FAILED, "u2"));
      manager.add(update("fw", "t2", TaskState.TASK_RUNNING, "v1"));
    });

    on(() -> manager.acknowledge(t1, uuid("u1")));
    on(() -> manager.acknowledge(t2, uuid("v1")));
    assertThat(terminalAcked).as("no terminal update acknowledged yet").isEmpty();
    assertThat(on(() -> manager.hasPending(t1))).isTrue();
    assertThat(on(() -> manager.hasPending(t2))).isFalse();

    on(() -> manager.acknowledge(t1, uuid("u2")));
    assertThat(terminalAcked).containsExactly(t1);
    assertThat(on(() -> manager.hasPending(t1))).isFalse();
    assertThat(on(manager::pending)).isZero();

    on(() -> manager.acknowledge(t1, uuid("u2")));
    assertThat(terminalAcked).as("fires once").containsExactly(t1);
  }
}
