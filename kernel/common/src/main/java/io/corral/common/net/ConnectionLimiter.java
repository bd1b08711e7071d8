package io.corral.common.net;

import io.corral.common.log.ThrottledWarning;
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
 * At most so many live connections per remote address on a gRPC server, so one host cannot take
 * the server's file descriptors and memory with connections: the calls of a connection that came
 * while its address had that many open end at once with {@code RESOURCE_EXHAUSTED}, until enough
 * of the others have closed; from then on it is served like any other. Warnings are throttled.
 */
final class ConnectionLimiter extends ServerTransportFilter implements ServerInterceptor {
  private static final Logger LOG = LoggerFactory.getLogger(ConnectionLimiter.class);
  private static final Attributes.Key<Counted> COUNTED = Attributes.Key.create("corral-counted-connection");

  private final int maxPerAddress;
  private final ConcurrentHashMap<InetAddress, AtomicInteger> open = new ConcurrentHashMap<>();
  private final ThrottledWarning overLimit = new ThrottledWarning(LOG);

  /** A live connection from {@code address}; admitted once its address had no more than the limit open. */
  private static final class Counted {
    final InetAddress address;
    volatile boolean admitted;

    Counted(InetAddress address, boolean admitted) {
      this.address = address;
      this.admitted = admitted;
    }
  }

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
    if (n > maxPerAddress) {
      overLimit.warn("{} has more than {} connections open; refusing the calls of the ones beyond while it has",
          address.getHostAddress(), maxPerAddress);
    }
    return attrs.toBuilder().set(COUNTED, new Counted(address, n <= maxPerAddress)).build();
  }

  /** {@code attrs} is null for a connection closed before its HTTP/2 handshake (never counted). */
  @Override
  public void transportTerminated(Attributes attrs) {
    Counted c = attrs == null ? null : attrs.get(COUNTED);
    if (c != null) {
      open.computeIfPresent(c.address, (a, n) -> n.decrementAndGet() <= 0 ? null : n);
    }
  }

  /** Whether the calls of the connection with these attributes are served now. */
  boolean admits(Attributes attrs) {
    Counted c = attrs.get(COUNTED);
    if (c == null || c.admitted) {
      return true;
    }
    AtomicInteger n = open.get(c.address);
    if (n == null || n.get() <= maxPerAddress) {
      c.admitted = true; // enough others closed: served from now on, like any connection within the limit
    }
    return c.admitted;
  }

  /** Live connections from {@code address}. */
  int open(InetAddress address) {
    AtomicInteger n = open.get(address);
    return n == null ? 0 : n.get();
  }

  @Override
  public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
      ServerCallHandler<Q, A> next) {
    if (!admits(call.getAttributes())) {
      call.close(Status.RESOURCE_EXHAUSTED.withDescription("too many connections from this address (at most "
          + maxPerAddress + "); close some and retry"), new Metadata());
      return new ServerCall.Listener<>() {};
    }
    return next.startCall(call, headers);
  }
}
