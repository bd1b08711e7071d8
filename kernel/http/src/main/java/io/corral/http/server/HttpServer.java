package io.corral.http.server;

import io.corral.http.HttpLimits;
import io.corral.http.Route;
import io.corral.http.auth.HttpAuthenticator;
import io.corral.http.auth.HttpSecurity;
import io.grpc.netty.shaded.io.netty.bootstrap.ServerBootstrap;
import io.grpc.netty.shaded.io.netty.channel.Channel;
import io.grpc.netty.shaded.io.netty.channel.ChannelFuture;
import io.grpc.netty.shaded.io.netty.channel.ChannelInitializer;
import io.grpc.netty.shaded.io.netty.channel.ChannelOption;
import io.grpc.netty.shaded.io.netty.channel.ChannelPipeline;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.group.ChannelGroup;
import io.grpc.netty.shaded.io.netty.channel.group.DefaultChannelGroup;
import io.grpc.netty.shaded.io.netty.channel.nio.NioIoHandler;
import io.grpc.netty.shaded.io.netty.channel.socket.SocketChannel;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioServerSocketChannel;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpDecoderConfig;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpServerCodec;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslHandler;
import io.grpc.netty.shaded.io.netty.handler.stream.ChunkedWriteHandler;
import io.grpc.netty.shaded.io.netty.util.concurrent.ImmediateEventExecutor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLEngine;

/**
 * The daemons' HTTP/1.1 server, made for hostile networks: reads happen on a few event-loop threads
 * that never block, so a slow or idle client holds a connection and nothing else, and every limit of
 * {@link HttpLimits} is enforced; the blocking work of the {@link Route} runs on a bounded pool of
 * workers. With {@link HttpSecurity}: HTTPS, a client certificate of the cluster's CA wanted but
 * not needed, and every request but {@code /health} authenticated before it is routed.
 *
 * <p>Built on the Netty inside grpc-netty-shaded (relocated, so it cannot clash with a host
 * framework's own Netty or Jetty when a master runs inside a Hadoop, Spark or Storm test JVM).
 */
public final class HttpServer implements AutoCloseable {
  private static final int IO_THREADS = 2;

  private final EventLoopGroup loops;
  private final Channel channel;
  private final ChannelGroup connections;
  private final Dispatcher dispatcher;

  private HttpServer(EventLoopGroup loops, Channel channel, ChannelGroup connections, Dispatcher dispatcher) {
    this.loops = loops;
    this.channel = channel;
    this.connections = connections;
    this.dispatcher = dispatcher;
  }

  /**
   * Serves {@code route} on {@code host:port} (0 = any free port) until closed; threads are named
   * {@code name-io-N} (network) and {@code name-N} (workers).
   *
   * @param security null: plain HTTP, anonymous
   */
  public static HttpServer start(String host, int port, String name, HttpLimits limits, Route route,
      HttpSecurity security) throws IOException {
    AtomicInteger n = new AtomicInteger();
    EventLoopGroup loops = new MultiThreadIoEventLoopGroup(IO_THREADS, r -> {
      Thread t = new Thread(r, name + "-io-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    }, NioIoHandler.newFactory());
    Dispatcher dispatcher = new Dispatcher(name, limits.workers(), limits.queuedRequests(), route,
        security == null ? null : new HttpAuthenticator(security.credentials()));
    ChannelGroup connections = new DefaultChannelGroup(name, ImmediateEventExecutor.INSTANCE);
    ConnectionLimiter limiter = new ConnectionLimiter(name, limits.maxConnectionsPerAddress(), limits.maxConnections());
    HttpDecoderConfig decoding = new HttpDecoderConfig()
        .setMaxInitialLineLength(limits.maxUriChars() + 64) // the method and the version around the URI
        .setMaxHeaderSize(limits.maxHeaderBytes());
    ServerBootstrap bootstrap = new ServerBootstrap()
        .group(loops)
        .channel(NioServerSocketChannel.class)
        .option(ChannelOption.SO_BACKLOG, 128)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            connections.add(ch);
            ChannelPipeline p = ch.pipeline();
            p.addLast("limit", limiter);
            if (security != null) {
              p.addLast("tls", tls(security, limits));
            }
            p.addLast("bytes", BytesArrived.INSTANCE);
            p.addLast("codec", new HttpServerCodec(decoding));
            p.addLast("body", new BodyAggregator(limits.maxBodyBytes()));
            p.addLast("chunks", new ChunkedWriteHandler());
            p.addLast("connection", new HttpConnection(limits, dispatcher));
          }
        });
    ChannelFuture bound = bootstrap.bind(new InetSocketAddress(host, port)).awaitUninterruptibly();
    if (!bound.isSuccess()) {
      loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
      dispatcher.shutdown();
      Throwable cause = bound.cause();
      throw io.corral.common.net.ListenFailure.of(new InetSocketAddress(host, port),
          cause instanceof IOException io ? io : new IOException(String.valueOf(cause.getMessage()), cause));
    }
    return new HttpServer(loops, bound.channel(), connections, dispatcher);
  }

  private static SslHandler tls(HttpSecurity security, HttpLimits limits) {
    SSLEngine engine = security.ssl().createSSLEngine();
    engine.setUseClientMode(false);
    engine.setWantClientAuth(true); // a certificate of the cluster's CA is one way in; basic auth the other
    SslHandler handler = new SslHandler(engine);
    handler.setHandshakeTimeout(limits.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
    return handler;
  }

  public int port() {
    return ((InetSocketAddress) channel.localAddress()).getPort();
  }

  /** Stops listening, closes every connection and stops the threads; the port is free when it returns. */
  @Override
  public void close() {
    channel.close().awaitUninterruptibly();
    connections.close().awaitUninterruptibly();
    loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
    dispatcher.shutdown();
  }
}
