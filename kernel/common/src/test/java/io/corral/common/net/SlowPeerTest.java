package io.corral.common.net;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.corral.protocol.ExecutorEvent;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** A peer that stops reading is cut off by bytes buffered, long before memory runs out, not only by count. */
class SlowPeerTest {
  /** A transport that is never ready: the peer reads nothing. */
  private static final class StuckPeer extends ServerCallStreamObserver<ExecutorEvent> {
    final AtomicInteger buffered = new AtomicInteger();
    final AtomicReference<Throwable> error = new AtomicReference<>();

    @Override public boolean isReady() {
      return false;
    }

    @Override public void onNext(ExecutorEvent value) {
      buffered.incrementAndGet();
    }

    @Override public void onError(Throwable t) {
      error.set(t);
    }

    @Override public void onCompleted() {}

    @Override public boolean isCancelled() {
      return false;
    }

    @Override public void setOnCancelHandler(Runnable r) {}

    @Override public void setCompression(String c) {}

    @Override public void setOnReadyHandler(Runnable r) {}

    @Override public void disableAutoInboundFlowControl() {}

    @Override public void request(int n) {}

    @Override public void setMessageCompression(boolean e) {}
  }

  @Test
  void bigMessagesToAPeerThatDoesNotReadAreCutOffAtTheByteBound() {
    StuckPeer peer = new StuckPeer();
    AtomicReference<Throwable> closedWith = new AtomicReference<>();
    StreamConnection<ExecutorEvent> conn = new StreamConnection<>("slow", peer, (c, t) -> closedWith.set(t));
    ExecutorEvent big = ExecutorEvent.newBuilder().setMessage(ExecutorEvent.Message.newBuilder()
        .setData(ByteString.copyFrom(new byte[1 << 20]))).build();
    for (int i = 0; i < 200 && conn.isOpen(); i++) {
      conn.send(big);
    }
    assertThat(conn.isOpen()).isFalse();
    assertThat(peer.buffered.get()).isBetween(63, 64); // 64 MiB, not 200 messages (200 MiB)
    assertThat(Status.fromThrowable(closedWith.get()).getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
  }
}
