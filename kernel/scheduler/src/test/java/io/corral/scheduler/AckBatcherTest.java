package io.corral.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.corral.common.loop.ManualEventLoop;
import io.corral.protocol.SchedulerCall;
import io.corral.protocol.TaskStatus;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The driver's acknowledgements, on a manual loop: one ACKNOWLEDGE call per turn of the loop, none empty. */
class AckBatcherTest {
  private final ManualEventLoop loop = new ManualEventLoop();
  private final List<SchedulerCall> sent = new ArrayList<>();
  private final AckBatcher acks = new AckBatcher(loop, call -> sent.add(call.build()));

  private static TaskStatus status(String task, String uuid) {
    return TaskStatus.newBuilder().setTaskId(task).setAgentId("agent-1")
        .setUuid(com.google.protobuf.ByteString.copyFromUtf8(uuid)).build();
  }

  private static List<String> acked(SchedulerCall call) {
    return call.getAcknowledge().getAcksList().stream()
        .map(a -> a.getTaskId() + "/" + a.getAgentId() + "/" + a.getUuid().toStringUtf8()).toList();
  }

  @Test
  void theAcknowledgementsOfOneTurnGoOutAsOneCallAtItsEnd() {
    loop.execute(() -> {
      acks.add(status("t1", "u1"));
      acks.add(status("t2", "u2"));
      acks.add(status("t1", "u3"));
      assertThat(sent).as("nothing sent within the turn").isEmpty();
    });

    loop.runPending();

    assertThat(sent).singleElement().satisfies(call -> {
      assertThat(call.getTypeCase()).isEqualTo(SchedulerCall.TypeCase.ACKNOWLEDGE);
      assertThat(acked(call)).containsExactly("t1/agent-1/u1", "t2/agent-1/u2", "t1/agent-1/u3");
    });
  }

  @Test
  void laterTurnsMakeCallsOfTheirOwn() {
    loop.execute(() -> acks.add(status("t1", "u1")));
    loop.runPending();
    loop.execute(() -> acks.add(status("t2", "u2")));
    loop.runPending();

    assertThat(sent).extracting(AckBatcherTest::acked)
        .containsExactly(List.of("t1/agent-1/u1"), List.of("t2/agent-1/u2"));
  }

  @Test
  void aFlushSendsWhatIsPendingAtOnceAndTheQueuedFlushThenSendsNothing() {
    loop.execute(() -> {
      acks.add(status("t1", "u1"));
      acks.flush(); // the driver's stop: before the stream closes
      assertThat(sent).extracting(AckBatcherTest::acked).containsExactly(List.of("t1/agent-1/u1"));
    });

    loop.runPending();

    assertThat(sent).hasSize(1);
  }

  @Test
  void nothingAcknowledgedNothingSent() {
    loop.execute(acks::flush);
    loop.runPending();

    assertThat(sent).isEmpty();
    assertThat(loop.errors()).isEmpty();
  }
}
