package io.corral.agent.updates;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.corral.agent.exec.TaskKey;
import io.corral.common.loop.ManualEventLoop;
import io.corral.protocol.TaskState;
import io.corral.protocol.TaskStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Drives the manager on a manual loop (time moves only when the test advances it, so every
 * resend is checked at its exact time); the "master" is a recording sender.
 */
class StatusUpdateManagerTest {
  private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
  private static final Duration MIN = Duration.ofSeconds(10);
  private static final Duration MAX = Duration.ofSeconds(80);
  private static final Duration MS = Duration.ofMillis(1);

  private final ManualEventLoop loop = new ManualEventLoop("updates-test", START);
  private final List<Sent> sent = new ArrayList<>();
  private final List<TaskKey> terminalAcked = new ArrayList<>();
  private final StatusUpdateManager manager = new StatusUpdateManager(loop,
      batch -> sent.add(new Sent(Duration.between(START, loop.now()), List.copyOf(batch))), terminalAcked::add,
      MIN, MAX);

  /** A batch sent to the master, and when (from the start of the test). */
  private record Sent(Duration at, List<TaskStatus> batch) {}

  private static ByteString uuid(String s) {
    return ByteString.copyFromUtf8(s);
  }

  private static TaskStatus update(String framework, String task, TaskState state, String uuid) {
    return TaskStatus.newBuilder().setFrameworkId(framework).setTaskId(task).setState(state)
        .setUuid(uuid(uuid)).build();
  }

  /** Runs on the loop, and whatever it queued, as the agent's loop would. */
  private void on(Runnable action) {
    loop.execute(action);
    loop.runPending();
  }

  private void connected() {
    on(manager::connected);
  }

  private List<TaskStatus> allSent() {
    List<TaskStatus> out = new ArrayList<>();
    sent.forEach(s -> out.addAll(s.batch()));
    return out;
  }

  private long timesSent(String uuid) {
    return allSent().stream().filter(u -> u.getUuid().equals(uuid(uuid))).count();
  }

  @Test
  void onlyTheHeadOfEachTaskIsInFlight() {
    connected();
    on(() -> {
      manager.add(update("fw", "t1", TaskState.TASK_RUNNING, "u1"));
      manager.add(update("fw", "t1", TaskState.TASK_FINISHED, "u2"));
    });

    loop.advance(Duration.ofMinutes(2));

    assertThat(timesSent("u1")).isGreaterThanOrEqualTo(3);
    assertThat(timesSent("u2")).as("the second update waits for the first to be acknowledged").isZero();
    assertThat(manager.pending()).isEqualTo(2);
  }

  @Test
  void acknowledgingTheHeadSendsTheNextAtOnceAndStopsResendingIt() {
    connected();
    on(() -> {
      manager.add(update("fw", "t1", TaskState.TASK_RUNNING, "u1"));
      manager.add(update("fw", "t1", TaskState.TASK_FINISHED, "u2"));
    });
    loop.advance(Duration.ofSeconds(5));

    on(() -> manager.acknowledge(new TaskKey("fw", "t1"), uuid("u1")));
    assertThat(sent).extracting(Sent::at).containsExactly(Duration.ZERO, Duration.ofSeconds(5));

    loop.advance(Duration.ofMinutes(5));
    assertThat(timesSent("u1")).as("no resend after the acknowledgement").isEqualTo(1);
    assertThat(timesSent("u2")).isGreaterThanOrEqualTo(3);
    assertThat(manager.pending()).isEqualTo(1);
  }

  @Test
  void staleAndUnknownAcknowledgementsAreIgnored() {
    connected();
    TaskKey t1 = new TaskKey("fw", "t1");
    on(() -> {
      manager.add(update("fw", "t1", TaskState.TASK_RUNNING, "u1"));
      manager.add(update("fw", "t1", TaskState.TASK_FINISHED, "u2"));
    });
    assertThat(timesSent("u1")).isEqualTo(1);

    on(() -> {
      manager.acknowledge(t1, uuid("u2")); // not the head yet
      manager.acknowledge(t1, uuid("nope"));
      manager.acknowledge(new TaskKey("fw", "other-task"), uuid("u1"));
      manager.acknowledge(new TaskKey("other-fw", "t1"), uuid("u1"));
    });
    assertThat(manager.pending()).isEqualTo(2);

    on(() -> manager.acknowledge(t1, uuid("u1")));
    assertThat(timesSent("u2")).isEqualTo(1);
    on(() -> manager.acknowledge(t1, uuid("u1"))); // stale: already acknowledged
    assertThat(manager.pending()).isEqualTo(1);
    assertThat(manager.hasPending(t1)).isTrue();
    assertThat(terminalAcked).isEmpty();
  }

  @Test
  void anUnacknowledgedHeadIsResentAfterDoublingDelaysUpToTheMaximum() {
    connected();
    on(() -> manager.add(update("fw", "t1", TaskState.TASK_RUNNING, "u1")));

    loop.advance(Duration.ofMinutes(5));

    // Delays of 10, 20, 40, 80, then 80 s (the maximum) again, each counted from the previous send.
    assertThat(sent).extracting(Sent::at).containsExactly(Duration.ZERO, Duration.ofSeconds(10),
        Duration.ofSeconds(30), Duration.ofSeconds(70), Duration.ofSeconds(150), Duration.ofSeconds(230));
    assertThat(sent).allSatisfy(s -> assertThat(s.batch()).extracting(TaskStatus::getUuid)
        .containsExactly(uuid("u1")));
  }

  @Test
  void noResendBeforeItsDelayIsOver() {
    connected();
    on(() -> manager.add(update("fw", "t1", TaskState.TASK_RUNNING, "u1")));

    loop.advance(MIN.minus(MS));
    assertThat(sent).hasSize(1);
    loop.advance(MS);
    assertThat(sent).hasSize(2);
  }

  @Test
  void anAcknowledgementStartsTheNextUpdateFromTheShortestDelay() {
    connected();
    TaskKey t1 = new TaskKey("fw", "t1");
    on(() -> {
      manager.add(update("fw", "t1", TaskState.TASK_RUNNING, "u1"));
      manager.add(update("fw", "t1", TaskState.TASK_FINISHED, "u2"));
    });
    loop.advance(Duration.ofSeconds(70)); // u1 sent at 0, 10, 30, 70: its next delay would be 80 s

    on(() -> manager.acknowledge(t1, uuid("u1")));
    loop.advance(MIN);

    assertThat(sent.stream().filter(s -> s.batch().get(0).getUuid().equals(uuid("u2"))).map(Sent::at))
        .containsExactly(Duration.ofSeconds(70), Duration.ofSeconds(80));
  }

  @Test
  void duplicateUuidsAreIgnored() {
    connected();
    TaskStatus u1 = update("fw", "t1", TaskState.TASK_RUNNING, "u1");
    assertThat(manager.add(u1)).isTrue();
    assertThat(manager.add(u1)).isFalse();
    assertThat(manager.add(u1.toBuilder().setMessage("resent by the executor").build())).isFalse();
    assertThat(manager.pending()).isEqualTo(1);

    manager.acknowledge(new TaskKey("fw", "t1"), uuid("u1"));
    assertThat(manager.add(u1)).as("still a duplicate after its acknowledgement").isFalse();
    assertThat(manager.pending()).isZero();
    loop.runPending();
    assertThat(timesSent("u1")).isEqualTo(1);
  }

  @Test
  void headsThatBecomeReadyInOneTurnLeaveInOneBatch() {
    connected();
    on(() -> {
      for (int i = 0; i < 20; i++) {
        manager.add(update("fw", "t" + i, TaskState.TASK_RUNNING, "u" + i));
      }
    });

    assertThat(sent).singleElement().satisfies(s -> assertThat(s.batch()).hasSize(20));
  }

  @Test
  void nothingIsSentWhileDisconnectedAndEveryHeadGoesOutOnConnect() {
    on(() -> {
      manager.add(update("fw", "t1", TaskState.TASK_RUNNING, "a1"));
      manager.add(update("fw", "t1", TaskState.TASK_FINISHED, "a2"));
      manager.add(update("fw", "t2", TaskState.TASK_RUNNING, "b1"));
      manager.add(update("fw2", "t3", TaskState.TASK_STARTING, "c1"));
    });
    loop.advance(Duration.ofMinutes(10)); // several retry periods
    assertThat(sent).isEmpty();

    connected();

    assertThat(sent).singleElement().satisfies(s -> assertThat(s.batch()).extracting(TaskStatus::getUuid)
        .containsExactlyInAnyOrder(uuid("a1"), uuid("b1"), uuid("c1")));
    assertThat(sent.get(0).at()).isEqualTo(Duration.ofMinutes(10));
  }

  @Test
  void aDisconnectStopsSendingUntilTheNextConnect() {
    connected();
    on(() -> manager.add(update("fw", "t1", TaskState.TASK_RUNNING, "u1")));
    assertThat(sent).hasSize(1);

    on(manager::disconnected);
    loop.advance(Duration.ofMinutes(10));
    assertThat(sent).hasSize(1);

    connected();
    assertThat(sent).hasSize(2);
  }

  @Test
  void resendFrameworkResendsOnlyThatFrameworksHeadsNow() {
    connected();
    on(() -> {
      manager.add(update("fw1", "t1", TaskState.TASK_RUNNING, "x1"));
      manager.add(update("fw1", "t2", TaskState.TASK_RUNNING, "x2"));
      manager.add(update("fw2", "t1", TaskState.TASK_RUNNING, "y1"));
    });
    loop.advance(Duration.ofSeconds(3));

    on(() -> manager.resendFramework("fw1"));

    assertThat(sent).hasSize(2);
    assertThat(sent.get(1).at()).isEqualTo(Duration.ofSeconds(3));
    assertThat(sent.get(1).batch()).extracting(TaskStatus::getUuid).containsExactlyInAnyOrder(uuid("x1"), uuid("x2"));
  }

  @Test
  void dropFrameworkForgetsItsUpdates() {
    connected();
    on(() -> {
      manager.add(update("fw1", "t1", TaskState.TASK_FINISHED, "x1"));
      manager.add(update("fw2", "t1", TaskState.TASK_RUNNING, "y1"));
    });

    on(() -> manager.dropFramework("fw1"));

    assertThat(manager.pending()).isEqualTo(1);
    assertThat(manager.hasPending(new TaskKey("fw1", "t1"))).isFalse();
    loop.advance(Duration.ofMinutes(2));
    assertThat(timesSent("y1")).isGreaterThanOrEqualTo(3);
    assertThat(timesSent("x1")).as("no resend of a dropped framework's update").isEqualTo(1);
    on(() -> manager.resendFramework("fw1"));
    on(() -> manager.acknowledge(new TaskKey("fw1", "t1"), uuid("x1")));
    assertThat(timesSent("x1")).isEqualTo(1);
    assertThat(terminalAcked).isEmpty();
  }

  @Test
  void theTerminalCallbackFiresOnlyOnceTheTerminalUpdateIsAcknowledged() {
    connected();
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
    assertThat(manager.hasPending(t1)).isTrue();
    assertThat(manager.hasPending(t2)).isFalse();

    on(() -> manager.acknowledge(t1, uuid("u2")));
    assertThat(terminalAcked).containsExactly(t1);
    assertThat(manager.hasPending(t1)).isFalse();
    assertThat(manager.pending()).isZero();

    on(() -> manager.acknowledge(t1, uuid("u2")));
    assertThat(terminalAcked).as("fires once").containsExactly(t1);
  }

  @Test
  void anAcknowledgedOrDroppedUpdateLeavesNoTimerBehind() {
    connected();
    on(() -> {
      manager.add(update("fw", "t1", TaskState.TASK_FINISHED, "u1"));
      manager.add(update("fw2", "t1", TaskState.TASK_RUNNING, "v1"));
    });
    assertThat(loop.scheduledCount()).isEqualTo(2);

    on(() -> {
      manager.acknowledge(new TaskKey("fw", "t1"), uuid("u1"));
      manager.dropFramework("fw2");
    });

    assertThat(loop.scheduledCount()).isZero();
  }
}
