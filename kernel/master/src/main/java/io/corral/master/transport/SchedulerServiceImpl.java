package io.corral.master.transport;

import io.corral.common.net.PeerAddressInterceptor;
import io.corral.common.net.StreamConnection;
import io.corral.protocol.SchedulerCall;
import io.corral.protocol.SchedulerEvent;
import io.corral.protocol.SchedulerServiceGrpc;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

/** The master's end of scheduler streams: hands every call to the master. */
public final class SchedulerServiceImpl extends SchedulerServiceGrpc.SchedulerServiceImplBase {
  private final MasterStreams master;

  public SchedulerServiceImpl(MasterStreams master) {
    this.master = master;
  }

  @Override
  public StreamObserver<SchedulerCall> subscribe(StreamObserver<SchedulerEvent> responses) {
    StreamConnection<SchedulerEvent> conn =
        new StreamConnection<>(
            PeerAddressInterceptor.currentPeer(),
            (ServerCallStreamObserver<SchedulerEvent>) responses,
            master::onSchedulerStreamClosed);
    return new StreamObserver<>() {
      @Override
      public void onNext(SchedulerCall call) {
        master.onSchedulerCall(conn, call);
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
