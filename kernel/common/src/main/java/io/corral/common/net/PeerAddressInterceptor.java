package io.corral.common.net;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.net.SocketAddress;

/** Makes the caller's address available to handlers, for logs and errors. */
public final class PeerAddressInterceptor implements ServerInterceptor {
  public static final Context.Key<String> PEER = Context.key("corral-peer");

  @Override
  public <Q, A> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
    SocketAddress addr = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
    String peer = addr == null ? "unknown" : addr.toString().replaceFirst("^/", "");
    return Contexts.interceptCall(Context.current().withValue(PEER, peer), call, headers, next);
  }

  public static String currentPeer() {
    String p = PEER.get();
    return p == null ? "unknown" : p;
  }
}
