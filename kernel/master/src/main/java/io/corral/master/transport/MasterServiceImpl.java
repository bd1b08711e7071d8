package io.corral.master.transport;

import io.corral.protocol.GetInfoRequest;
import io.corral.protocol.GetInfoResponse;
import io.corral.protocol.MasterServiceGrpc;
import io.grpc.stub.StreamObserver;
import java.util.function.Supplier;

/** Answers who this master is and where it serves HTTP; standbys answer too. */
public final class MasterServiceImpl extends MasterServiceGrpc.MasterServiceImplBase {
  private final Supplier<GetInfoResponse> info;

  public MasterServiceImpl(Supplier<GetInfoResponse> info) {
    this.info = info;
  }

  @Override
  public void getInfo(GetInfoRequest request, StreamObserver<GetInfoResponse> response) {
    response.onNext(info.get());
    response.onCompleted();
  }
}
