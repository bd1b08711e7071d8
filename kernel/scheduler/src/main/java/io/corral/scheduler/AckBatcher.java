package io.corral.scheduler;

import io.corral.common.loop.EventLoop;
import io.corral.protocol.SchedulerCall;
import io.corral.protocol.TaskStatus;
import java.util.function.Consumer;

/** Collects acknowledgements made in one turn of the driver's loop into one ACKNOWLEDGE call. */
final class AckBatcher {
  private final EventLoop loop;
  private final Consumer<SchedulerCall.Builder> send;
  private SchedulerCall.Acknowledge.Builder pending;

  AckBatcher(EventLoop loop, Consumer<SchedulerCall.Builder> send) {
    this.loop = loop;
    this.send = send;
  }

  void add(TaskStatus s) {
    if (pending == null) {
      pending = SchedulerCall.Acknowledge.newBuilder();
      loop.execute(this::flush);
    }
    pending.addAcks(SchedulerCall.Acknowledge.Ack.newBuilder()
        .setAgentId(s.getAgentId()).setTaskId(s.getTaskId()).setUuid(s.getUuid()));
  }

  void flush() {
    if (pending != null && pending.getAcksCount() > 0) {
      send.accept(SchedulerCall.newBuilder().setAcknowledge(pending));
    }
    pending = null;
  }
}
