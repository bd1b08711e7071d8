package io.corral.agent;

import io.corral.common.net.ServerStreams;
import io.corral.protocol.ExecutorCall;
import io.corral.protocol.ExecutorEvent;
import io.corral.protocol.ExecutorServiceGrpc;
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
    return ServerStreams.accept(responses, (conn, call) -> core.join().onExecutorCall(conn, call),
        (conn, cause) -> core.join().onExecutorStreamClosed(conn));
  }
}
