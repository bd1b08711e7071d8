package io.corral.it;

import static org.awaitility.Awaitility.await;

import io.corral.common.net.DecodeGuard;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

/** Test helpers that talk to Corral's gRPC services directly, bypassing the libraries. */
final class RawStream {
  private RawStream() {}

  /** Collects what a stream receives. */
  static final class Recorder<E> implements StreamObserver<E> {
    final List<E> events = new CopyOnWriteArrayList<>();
    final AtomicReference<Throwable> error = new AtomicReference<>();
    volatile boolean completed;

    @Override
    public void onNext(E e) {
      events.add(e);
    }

    @Override
    public void onError(Throwable t) {
      error.set(t);
    }

    @Override
    public void onCompleted() {
      completed = true;
    }

    boolean closed() {
      return completed || error.get() != null;
    }

    E awaitEvent(Predicate<E> which) {
      await().atMost(Duration.ofSeconds(30)).until(() -> events.stream().anyMatch(which));
      return events.stream().filter(which).findFirst().orElseThrow();
    }
  }

  /** A bidirectional method of Corral's services whose messages are raw bytes, sent and read undecoded. */
  static MethodDescriptor<byte[], byte[]> rawMethod(String fullMethod) {
    return MethodDescriptor.<byte[], byte[]>newBuilder()
        .setType(MethodDescriptor.MethodType.BIDI_STREAMING)
        .setFullMethodName(fullMethod)
        .setRequestMarshaller(DecodeGuard.RAW_BYTES)
        .setResponseMarshaller(DecodeGuard.RAW_BYTES)
        .build();
  }

  /** Sends raw messages on a bidirectional call; returns how the call ended. */
  static Status sendBytes(ManagedChannel channel, String fullMethod, byte[]... messages) {
    ClientCall<byte[], byte[]> call = channel.newCall(rawMethod(fullMethod), CallOptions.DEFAULT);
    AtomicReference<Status> closed = new AtomicReference<>();
    call.start(new ClientCall.Listener<>() {
      @Override
      public void onClose(Status status, Metadata trailers) {
        closed.set(status);
      }
    }, new Metadata());
    call.request(100);
    for (byte[] m : messages) {
      call.sendMessage(m);
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> closed.get() != null);
    return closed.get();
  }
}
