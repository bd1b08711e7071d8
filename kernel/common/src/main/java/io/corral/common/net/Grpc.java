package io.corral.common.net;

import io.corral.common.security.ClientCredentials;
import io.corral.common.security.TlsFiles;
import io.grpc.ChannelCredentials;
import io.grpc.CompositeChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.ServerCredentials;
import io.grpc.TlsChannelCredentials;
import io.grpc.TlsServerCredentials;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * How Corral builds gRPC servers and channels: plaintext, or TLS with the cluster's CA (mutual
 * when the client has a certificate) and callers authenticated by {@link AuthInterceptor}; a
 * maximum inbound message size on both ends, keep-alives so dead peers are noticed, and
 * handlers run directly on Netty threads (they only decode and hand events to an event loop,
 * never block).
 */
public final class Grpc {
  /** Default limit for one message; larger ones end the stream with RESOURCE_EXHAUSTED. */
  public static final int DEFAULT_MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

  /** Connections one remote address may have open to a server; the calls of more are refused. */
  public static final int DEFAULT_MAX_CONNECTIONS_PER_ADDRESS = 1024;

  /** The description of the UNAVAILABLE status with which a master that does not lead refuses a stream. */
  public static final String NOT_LEADER = "this master is not the leader";

  /** Whether a stream ended because its master refused it as not (or not yet) the leader. */
  public static boolean isNotLeader(Throwable t) {
    io.grpc.Status s = io.grpc.Status.fromThrowable(t);
    return s.getCode() == io.grpc.Status.Code.UNAVAILABLE && NOT_LEADER.equals(s.getDescription());
  }

  /** Whether a stream ended because its peer refused the client's credentials. */
  public static boolean isUnauthenticated(Throwable t) {
    return io.grpc.Status.fromThrowable(t).getCode() == io.grpc.Status.Code.UNAUTHENTICATED;
  }

  private Grpc() {}

  /** A plaintext server without authentication. */
  public static Server startServer(
      String bindHost, int port, int maxMessageBytes, List<ServerServiceDefinition> services)
      throws IOException {
    return startServer(bindHost, port, maxMessageBytes, services, null);
  }

  /**
   * A server; with {@code security}, over TLS and with every call's caller (certificate or
   * secret) in {@link AuthInterceptor#current()}; null = plaintext, anonymous.
   */
  public static Server startServer(String bindHost, int port, int maxMessageBytes,
      List<ServerServiceDefinition> services, ServerSecurity security) throws IOException {
    return startServer(bindHost, port, maxMessageBytes, services, security, DEFAULT_MAX_CONNECTIONS_PER_ADDRESS);
  }

  /** As above, with at most {@code maxConnectionsPerAddress} connections from one remote address. */
  public static Server startServer(String bindHost, int port, int maxMessageBytes,
      List<ServerServiceDefinition> services, ServerSecurity security, int maxConnectionsPerAddress)
      throws IOException {
    InetSocketAddress address = new InetSocketAddress(bindHost, port);
    NettyServerBuilder b = security == null
        ? NettyServerBuilder.forAddress(address)
        : NettyServerBuilder.forAddress(address, serverCredentials(security));
    if (security != null) {
      b.intercept(new AuthInterceptor(security.credentials()));
    }
    ConnectionLimiter limiter = new ConnectionLimiter(maxConnectionsPerAddress);
    b.addTransportFilter(limiter).intercept(limiter); // the last interceptor added runs first
    b.maxInboundMessageSize(maxMessageBytes)
        .maxInboundMetadataSize(64 * 1024)
        .permitKeepAliveTime(5, TimeUnit.SECONDS)
        .permitKeepAliveWithoutCalls(true)
        .keepAliveTime(30, TimeUnit.SECONDS)
        .keepAliveTimeout(20, TimeUnit.SECONDS)
        .directExecutor();
    for (ServerServiceDefinition s : services) {
      b.addService(DecodeGuard.guard(s));
    }
    try {
      return b.build().start();
    } catch (IOException e) {
      throw ListenFailure.of(address, e);
    }
  }

  private static ServerCredentials serverCredentials(ServerSecurity security) throws IOException {
    TlsFiles tls = security.tls().check();
    return TlsServerCredentials.newBuilder()
        .keyManager(tls.cert().toFile(), tls.key().toFile())
        .trustManager(tls.ca().toFile())
        .clientAuth(TlsServerCredentials.ClientAuth.OPTIONAL)
        .build();
  }

  /** A plaintext channel without credentials. */
  public static ManagedChannel channel(HostPort target, int maxMessageBytes) {
    return channel(target, maxMessageBytes, ClientCredentials.NONE);
  }

  /**
   * A channel presenting {@code credentials}: TLS trusting their CA (with their certificate, if
   * any), and their principal's secret on every call.
   */
  public static ManagedChannel channel(HostPort target, int maxMessageBytes, ClientCredentials credentials) {
    NettyChannelBuilder b = credentials.secure()
        ? NettyChannelBuilder.forAddress(target.host(), target.port(), channelCredentials(credentials))
        : NettyChannelBuilder.forAddress(target.host(), target.port()).usePlaintext();
    return b.maxInboundMessageSize(maxMessageBytes)
        .keepAliveTime(30, TimeUnit.SECONDS)
        .keepAliveTimeout(20, TimeUnit.SECONDS)
        .keepAliveWithoutCalls(true)
        .directExecutor()
        .build();
  }

  private static ChannelCredentials channelCredentials(ClientCredentials credentials) {
    TlsFiles tls = credentials.tls();
    try {
      TlsChannelCredentials.Builder b = TlsChannelCredentials.newBuilder().trustManager(tls.ca().toFile());
      if (tls.hasCertificate()) {
        b.keyManager(tls.cert().toFile(), tls.key().toFile());
      }
      ChannelCredentials channel = b.build();
      return credentials.hasSecret()
          ? CompositeChannelCredentials.create(channel, new SecretCallCredentials(credentials))
          : channel;
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read the TLS files " + tls + ": " + e.getMessage(), e);
    }
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
