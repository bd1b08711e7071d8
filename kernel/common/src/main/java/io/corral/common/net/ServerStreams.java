package io.corral.common.net;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.function.BiConsumer;

/** The server end of a bidirectional stream, as a {@link StreamConnection} plus a call handler. */
public final class ServerStreams {
  private ServerStreams() {}

  /**
   * Wraps a new stream: every call goes to {@code onCall} with the connection it came on;
   * {@code onClosed} runs once when the stream ends, whichever side ends it.
   */
  public static <C, E> StreamObserver<C> accept(StreamObserver<E> responses,
      BiConsumer<StreamConnection<E>, C> onCall, BiConsumer<StreamConnection<E>, Throwable> onClosed) {
    StreamConnection<E> conn = new StreamConnection<>(PeerAddressInterceptor.currentPeer(),
        AuthInterceptor.current().orElse(null),
        (ServerCallStreamObserver<E>) responses, onClosed);
    return new StreamObserver<>() {
      @Override
      public void onNext(C call) {
        onCall.accept(conn, call);
      }

      @Override
      public void onError(Throwable t) {
        conn.peerClosed(t);
      }

      @Override
      public void onCompleted() {
        conn.complete();
      }
    };
  }
}
