package io.corral.common.net;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * How Corral builds gRPC servers and channels: plaintext for now (TLS arrives with the
 * security issue), a maximum inbound message size on both ends, keep-alives so dead
 * peers are noticed, and handlers run directly on Netty threads (they only decode and hand
 * events to an event loop, never block).
 */
public final class Grpc {
  /** Default limit for one message; larger ones end the stream with RESOURCE_EXHAUSTED. */
  public static final int DEFAULT_MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

  /** The description of the UNAVAILABLE status with which a master that does not lead refuses a stream. */
  public static final String NOT_LEADER = "this master is not the leader";

  /** Whether a stream ended because its master refused it as not (or not yet) the leader. */
  public static boolean isNotLeader(Throwable t) {
    io.grpc.Status s = io.grpc.Status.fromThrowable(t);
    return s.getCode() == io.grpc.Status.Code.UNAVAILABLE && NOT_LEADER.equals(s.getDescription());
  }

  private Grpc() {}

  public static Server startServer(
      String bindHost, int port, int maxMessageBytes, List<ServerServiceDefinition> services)
      throws IOException {
    NettyServerBuilder b =
        NettyServerBuilder.forAddress(new InetSocketAddress(bindHost, port))
            .maxInboundMessageSize(maxMessageBytes)
            .maxInboundMetadataSize(64 * 1024)
            .permitKeepAliveTime(5, TimeUnit.SECONDS)
            .permitKeepAliveWithoutCalls(true)
            .keepAliveTime(30, TimeUnit.SECONDS)
            .keepAliveTimeout(20, TimeUnit.SECONDS)
            .directExecutor();
    for (ServerServiceDefinition s : services) {
      b.addService(DecodeGuard.guard(s));
    }
    return b.build().start();
  }

  public static ManagedChannel channel(HostPort target, int maxMessageBytes) {
    return NettyChannelBuilder.forAddress(target.host(), target.port())
        .usePlaintext()
        .maxInboundMessageSize(maxMessageBytes)
        .keepAliveTime(30, TimeUnit.SECONDS)
        .keepAliveTimeout(20, TimeUnit.SECONDS)
        .keepAliveWithoutCalls(true)
        .directExecutor()
        .build();
  }

  /**
   * Closes a channel gracefully: what was already sent (a last TEARDOWN, final updates) is
   * delivered, open calls get up to two seconds to end, then everything is cancelled.
   */
  public static void shutdown(ManagedChannel channel) {
    if (channel == null) {
      return;
    }
    channel.shutdown();
    try {
      if (!channel.awaitTermination(2, TimeUnit.SECONDS)) {
        channel.shutdownNow();
        channel.awaitTermination(1, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      channel.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  public static void shutdown(Server server) {
    if (server == null) {
      return;
    }
    server.shutdownNow();
    try {
      server.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
