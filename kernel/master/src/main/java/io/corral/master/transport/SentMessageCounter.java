package io.corral.master.transport;

import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.util.concurrent.atomic.AtomicLong;

/** Counts every message the master sends on any call (the {@code corral_messages_out} metric). */
public final class SentMessageCounter implements ServerInterceptor {
  private final AtomicLong sent;

  public SentMessageCounter(AtomicLong sent) {
    this.sent = sent;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    return next.startCall(new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
      @Override
      public void sendMessage(R message) {
        sent.incrementAndGet();
        super.sendMessage(message);
      }
    }, headers);
  }
}
