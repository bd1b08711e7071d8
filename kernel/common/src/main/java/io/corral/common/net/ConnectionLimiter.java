package io.corral.common.net;

import io.grpc.Attributes;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerTransportFilter;
import io.grpc.Status;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * At most so many connections per remote address on a gRPC server: the calls of connections
 * beyond it end at once with {@code RESOURCE_EXHAUSTED} (one WARN line when an address first goes
 * over), so one host cannot take the server's file descriptors and memory with connections.
 */
final class ConnectionLimiter extends ServerTransportFilter implements ServerInterceptor {
  private static final Logger LOG = LoggerFactory.getLogger(ConnectionLimiter.class);
  private static final Attributes.Key<InetAddress> COUNTED = Attributes.Key.create("corral-counted-address");
  private static final Attributes.Key<Boolean> OVER = Attributes.Key.create("corral-over-connection-limit");

  private final int maxPerAddress;
  private final ConcurrentHashMap<InetAddress, AtomicInteger> open = new ConcurrentHashMap<>();

  ConnectionLimiter(int maxPerAddress) {
    if (maxPerAddress < 1) {
      throw new IllegalArgumentException("maxPerAddress must be at least 1: " + maxPerAddress);
    }
    this.maxPerAddress = maxPerAddress;
  }

  @Override
  public Attributes transportReady(Attributes attrs) {
    SocketAddress remote = attrs.get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
    if (!(remote instanceof InetSocketAddress inet) || inet.getAddress() == null) {
      return attrs;
    }
    InetAddress address = inet.getAddress();
    int n = open.computeIfAbsent(address, a -> new AtomicInteger()).incrementAndGet();
    Attributes.Builder b = attrs.toBuilder().set(COUNTED, address);
    if (n > maxPerAddress) {
      if (n == maxPerAddress + 1) {
        LOG.warn("{} has more than {} connections open; refusing the calls of the ones beyond", address.getHostAddress(),
            maxPerAddress);
      }
      b.set(OVER, true);
    }
    return b.build();
  }

  @Override
  public void transportTerminated(Attributes attrs) {
    InetAddress address = attrs.get(COUNTED);
    if (address != null) {
      open.computeIfPresent(address, (a, n) -> n.decrementAndGet() <= 0 ? null : n);
    }
  }

  @Override
  public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
      ServerCallHandler<Q, A> next) {
    if (Boolean.TRUE.equals(call.getAttributes().get(OVER))) {
      call.close(Status.RESOURCE_EXHAUSTED.withDescription("too many connections from this address (at most "
          + maxPerAddress + "); close some and retry"), new Metadata());
      return new ServerCall.Listener<>() {};
    }
    return next.startCall(call, headers);
  }
}
