package io.corral.agent.exec;

import io.corral.common.net.StreamConnection;
import io.corral.common.testing.RecordingServerStream;
import io.corral.protocol.ExecutorEvent;
import java.util.List;
import java.util.function.Consumer;

/** An executor's stream as the agent sees it, without gRPC: records what the agent sends on it. */
final class ExecutorStream extends RecordingServerStream<ExecutorEvent> {
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
}
