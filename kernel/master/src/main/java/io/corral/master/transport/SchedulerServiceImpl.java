package io.corral.master.transport;

import io.corral.common.net.ServerStreams;
import io.corral.protocol.SchedulerCall;
import io.corral.protocol.SchedulerEvent;
import io.corral.protocol.SchedulerServiceGrpc;
import io.grpc.stub.StreamObserver;

/** The master's end of scheduler streams: hands every call to the master. */
public final class SchedulerServiceImpl extends SchedulerServiceGrpc.SchedulerServiceImplBase {
  private final MasterStreams master;

  public SchedulerServiceImpl(MasterStreams master) {
    this.master = master;
  }

  @Override
  public StreamObserver<SchedulerCall> subscribe(StreamObserver<SchedulerEvent> responses) {
    return ServerStreams.accept(responses, master::onSchedulerCall, master::onSchedulerStreamClosed);
  }
}
