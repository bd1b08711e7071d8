package io.corral.http.server;

import io.grpc.netty.shaded.io.netty.channel.ChannelHandler;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandlerContext;
import io.grpc.netty.shaded.io.netty.channel.ChannelInboundHandlerAdapter;
import io.grpc.netty.shaded.io.netty.util.AttributeKey;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts a server's open connections, by remote address and in all, and closes a new one at once
 * when either count is at its bound, so one address cannot take every connection. Only live
 * connections count: a refused client is served again as soon as it is under the bound. Refusals
 * are logged at most once a minute, with how many there were.
 */
@ChannelHandler.Sharable
final class ConnectionLimiter extends ChannelInboundHandlerAdapter {
  private static final Logger LOG = LoggerFactory.getLogger(ConnectionLimiter.class);
  private static final AttributeKey<InetAddress> COUNTED = AttributeKey.valueOf("corral.http.counted");
  private static final long WARN_EVERY_NANOS = Duration.ofMinutes(1).toNanos();

  private final String name;
  private final int perAddress;
  private final int total;
  private final ConcurrentHashMap<InetAddress, Integer> open = new ConcurrentHashMap<>();
  private final AtomicInteger all = new AtomicInteger();
  private final AtomicInteger refusedSinceWarning = new AtomicInteger();
  private final AtomicLong lastWarning = new AtomicLong(System.nanoTime() - WARN_EVERY_NANOS);

  ConnectionLimiter(String name, int perAddress, int total) {
    this.name = name;
    this.perAddress = perAddress;
    this.total = total;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    InetAddress address = address(ctx.channel().remoteAddress());
    if (!admit(address)) {
      refused(address);
      ctx.close();
      return;
    }
    ctx.channel().attr(COUNTED).set(address);
    ctx.fireChannelActive();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    InetAddress address = ctx.channel().attr(COUNTED).getAndSet(null);
    if (address != null) {
      open.computeIfPresent(address, (a, n) -> n <= 1 ? null : n - 1);
      all.decrementAndGet();
    }
    ctx.fireChannelInactive();
  }

  private boolean admit(InetAddress address) {
    if (all.incrementAndGet() > total) {
      all.decrementAndGet();
      return false;
    }
    boolean[] admitted = {false};
    open.compute(address, (a, n) -> {
      int count = n == null ? 0 : n;
      if (count >= perAddress) {
        return n;
      }
      admitted[0] = true;
      return count + 1;
    });
    if (!admitted[0]) {
      all.decrementAndGet();
    }
    return admitted[0];
  }

  private void refused(InetAddress address) {
    int refused = refusedSinceWarning.incrementAndGet();
    long now = System.nanoTime();
    long last = lastWarning.get();
    if (now - last >= WARN_EVERY_NANOS && lastWarning.compareAndSet(last, now)) {
      refusedSinceWarning.addAndGet(-refused);
      LOG.warn("{}: closed {} new connection(s) over the limits ({} per address, {} in all) in the last minute; "
          + "the latest from {}", name, refused, perAddress, total, address.getHostAddress());
    }
  }

  private static InetAddress address(SocketAddress remote) {
    return remote instanceof InetSocketAddress inet ? inet.getAddress() : InetAddress.getLoopbackAddress();
  }
}
