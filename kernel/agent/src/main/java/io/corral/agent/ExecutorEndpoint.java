package io.corral.agent;

import io.corral.common.net.PeerAddressInterceptor;
import io.corral.common.net.StreamConnection;
import io.corral.protocol.ExecutorCall;
import io.corral.protocol.ExecutorEvent;
import io.corral.protocol.ExecutorServiceGrpc;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;

/** The agent's end of executor streams: hands every call to the agent's loop. */
final class ExecutorEndpoint extends ExecutorServiceGrpc.ExecutorServiceImplBase {
  /** The server starts before the core exists (to learn its port); calls wait for it. */
  private final CompletableFuture<AgentCore> core;

  ExecutorEndpoint(CompletableFuture<AgentCore> core) {
    this.core = core;
  }

  @Override
  public StreamObserver<ExecutorCall> connect(StreamObserver<ExecutorEvent> responses) {
    StreamConnection<ExecutorEvent> conn = new StreamConnection<>(PeerAddressInterceptor.currentPeer(),
        (ServerCallStreamObserver<ExecutorEvent>) responses, (c, cause) -> core.join().onExecutorStreamClosed(c));
    return new StreamObserver<>() {
      @Override
      public void onNext(ExecutorCall call) {
        core.join().onExecutorCall(conn, call);
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
