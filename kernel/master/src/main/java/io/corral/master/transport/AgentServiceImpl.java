package io.corral.master.transport;

import io.corral.common.net.PeerAddressInterceptor;
import io.corral.common.net.StreamConnection;
import io.corral.protocol.AgentCall;
import io.corral.protocol.AgentEvent;
import io.corral.protocol.AgentServiceGrpc;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

/** The master's end of agent streams: hands every call to the master. */
public final class AgentServiceImpl extends AgentServiceGrpc.AgentServiceImplBase {
  private final MasterStreams master;

  public AgentServiceImpl(MasterStreams master) {
    this.master = master;
  }

  @Override
  public StreamObserver<AgentCall> connect(StreamObserver<AgentEvent> responses) {
    StreamConnection<AgentEvent> conn =
        new StreamConnection<>(
            PeerAddressInterceptor.currentPeer(), (ServerCallStreamObserver<AgentEvent>) responses,
            master::onAgentStreamClosed);
    return new StreamObserver<>() {
      @Override
      public void onNext(AgentCall call) {
        master.onAgentCall(conn, call);
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
