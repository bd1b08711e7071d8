package io.corral.master.transport;

import io.corral.common.net.ServerStreams;
import io.corral.protocol.AgentCall;
import io.corral.protocol.AgentEvent;
import io.corral.protocol.AgentServiceGrpc;
import io.grpc.stub.StreamObserver;

/** The master's end of agent streams: hands every call to the master. */
public final class AgentServiceImpl extends AgentServiceGrpc.AgentServiceImplBase {
  private final MasterStreams master;

  public AgentServiceImpl(MasterStreams master) {
    this.master = master;
  }

  @Override
  public StreamObserver<AgentCall> connect(StreamObserver<AgentEvent> responses) {
    return ServerStreams.accept(responses, master::onAgentCall, master::onAgentStreamClosed);
  }
}
