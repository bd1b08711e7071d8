package io.corral.agent.exec;

import io.corral.common.net.StreamConnection;
import io.corral.protocol.ExecutorEvent;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** An executor's stream as the agent sees it, without gRPC: records what the agent sends on it. */
final class ExecutorStream extends ServerCallStreamObserver<ExecutorEvent> {
  final List<ExecutorEvent> sent = new ArrayList<>();
  boolean completed;
  final StreamConnection<ExecutorEvent> connection;

  /** @param onClosed told when the stream ends (the agent's core hands it to the supervisor) */
  ExecutorStream(Consumer<StreamConnection<ExecutorEvent>> onClosed) {
    this.connection = new StreamConnection<>("127.0.0.1:1234", this, (conn, cause) -> onClosed.accept(conn));
  }

  /** The kinds of the events sent so far, in order. */
  List<ExecutorEvent.TypeCase> kinds() {
    return sent.stream().map(ExecutorEvent::getTypeCase).toList();
  }

  /** The events of one kind sent so far. */
  List<ExecutorEvent> of(ExecutorEvent.TypeCase kind) {
    return sent.stream().filter(e -> e.getTypeCase() == kind).toList();
  }

  /** The executor ends its stream (its process may live on). */
  void drop() {
    connection.peerClosed(null);
  }

  @Override
  public void onNext(ExecutorEvent value) {
    sent.add(value);
  }

  @Override
  public void onError(Throwable t) {
    completed = true;
  }

  @Override
  public void onCompleted() {
    completed = true;
  }

  @Override
  public boolean isCancelled() {
    return false;
  }

  @Override
  public void setOnCancelHandler(Runnable r) { }

  @Override
  public void setCompression(String c) { }

  @Override
  public boolean isReady() {
    return true;
  }

  @Override
  public void setOnReadyHandler(Runnable r) { }

  @Override
  public void disableAutoInboundFlowControl() { }

  @Override
  public void request(int n) { }

  @Override
  public void setMessageCompression(boolean b) { }
}
