package io.corral.http.server;

import io.corral.http.ApiException;
import io.corral.http.HttpLimits;
import io.corral.http.Request;
import io.corral.http.Response;
import io.grpc.netty.shaded.io.netty.buffer.Unpooled;
import io.grpc.netty.shaded.io.netty.channel.ChannelFuture;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandlerContext;
import io.grpc.netty.shaded.io.netty.channel.ChannelInboundHandlerAdapter;
import io.grpc.netty.shaded.io.netty.channel.ChannelProgressiveFuture;
import io.grpc.netty.shaded.io.netty.channel.ChannelProgressiveFutureListener;
import io.grpc.netty.shaded.io.netty.channel.ChannelProgressivePromise;
import io.grpc.netty.shaded.io.netty.channel.socket.DuplexChannel;
import io.grpc.netty.shaded.io.netty.handler.codec.DecoderException;
import io.grpc.netty.shaded.io.netty.handler.codec.http.DefaultLastHttpContent;
import io.grpc.netty.shaded.io.netty.handler.codec.http.FullHttpRequest;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpChunkedInput;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpMethod;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpResponse;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpUtil;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpVersion;
import io.grpc.netty.shaded.io.netty.handler.codec.http.LastHttpContent;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslHandler;
import io.grpc.netty.shaded.io.netty.handler.stream.ChunkedWriteHandler;
import io.grpc.netty.shaded.io.netty.util.ReferenceCountUtil;
import io.grpc.netty.shaded.io.netty.util.concurrent.ScheduledFuture;
import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection, owned by its event loop: one request at a time goes to the workers, its
 * answer is written back, and the client is timed throughout.
 *
 * <pre>
 *   IDLE --request whole--> HANDLING --answer--> WRITING --written--> IDLE (kept alive), or closed
 * </pre>
 *
 * <p>IDLE with no byte of a request: the idle timeout (then closed). From a request's first byte
 * until it is whole: the request deadline (then a 408, closed), however the bytes trickle in.
 * HANDLING: no reading (the socket's buffer fills and the client waits). WRITING: the write
 * timeout, counted from the last chunk the client took; one that stops reading is cut off.
 * Requests pipelined behind the one handled wait, at most {@value #MAX_PIPELINED} of them.
 * CLOSING: the answer is out and the sending side shut; what still comes is read away for a
 * moment ({@value #LINGER_MILLIS} ms), then the connection is closed.
 */
final class HttpConnection extends ChannelInboundHandlerAdapter {
  private static final Logger LOG = LoggerFactory.getLogger(HttpConnection.class);
  static final int MAX_PIPELINED = 16;

  /**
   * How long a connection that is being closed after an answer (a refusal, a 408, {@code Connection: close})
   * still reads and discards what the client sends, so that the client reads the answer instead of a reset.
   */
  static final long LINGER_MILLIS = 1000;

  private enum Phase { IDLE, HANDLING, WRITING, CLOSING }

  /** What answering a request needs to know of it. */
  private record Exchange(boolean keepAlive, boolean head, boolean http10) {
    Exchange closing() {
      return new Exchange(false, head, http10);
    }
  }

  private final HttpLimits limits;
  private final Dispatcher dispatcher;
  private final Deque<FullHttpRequest> pipelined = new ArrayDeque<>();
  private ChannelHandlerContext ctx;
  private Phase phase = Phase.IDLE;
  /** {@link System#nanoTime()} of the first byte of a request not yet whole; -1 if none. */
  private long partialSince = -1;
  /** {@link System#nanoTime()} of the answer's last progress. */
  private long lastProgress;
  private ScheduledFuture<?> timer;

  HttpConnection(HttpLimits limits, Dispatcher dispatcher) {
    this.limits = limits;
    this.dispatcher = dispatcher;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    rearm();
    ctx.fireChannelActive();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    cancelTimer();
    pipelined.forEach(ReferenceCountUtil::release);
    pipelined.clear();
    ctx.fireChannelInactive();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt != BytesArrived.EVENT) {
      ctx.fireUserEventTriggered(evt);
      return;
    }
    if (partialSince < 0) {
      partialSince = System.nanoTime();
      if (phase == Phase.IDLE) {
        rearm();
      }
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof FullHttpRequest request)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    partialSince = -1;
    if (phase == Phase.CLOSING) {
      request.release();
      return;
    }
    if (phase != Phase.IDLE) {
      if (pipelined.size() >= MAX_PIPELINED) {
        request.release();
        LOG.debug("HTTP client {} pipelined more than {} requests: closing", ctx.channel().remoteAddress(),
            MAX_PIPELINED);
        ctx.close();
        return;
      }
      pipelined.add(request);
      return;
    }
    begin(request);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof DecoderException && phase == Phase.IDLE && ctx.channel().isActive()) {
      // a request Netty's decoders could not take (e.g. a Content-Length that is no number): answered, then closed
      phase = Phase.HANDLING;
      ctx.channel().config().setAutoRead(false);
      respond(HttpMessages.refusal(cause.getCause() == null ? cause : cause.getCause(), limits), new Exchange(false, false, false));
      return;
    }
    LOG.debug("HTTP connection from {} ends: {}", ctx.channel().remoteAddress(), cause.toString());
    ctx.close();
  }

  private void begin(FullHttpRequest request) {
    phase = Phase.HANDLING;
    cancelTimer();
    ctx.channel().config().setAutoRead(false);
    Exchange x = new Exchange(HttpUtil.isKeepAlive(request), HttpMethod.HEAD.equals(request.method()),
        HttpVersion.HTTP_1_0.equals(request.protocolVersion()));
    try {
      if (request.decoderResult().isFailure()) {
        respond(HttpMessages.refusal(request.decoderResult().cause(), limits), x.closing()); // the decoder reads no further
        return;
      }
      if (!HttpVersion.HTTP_1_1.equals(request.protocolVersion()) && !x.http10()) {
        respond(Response.error(505, "HTTP version " + request.protocolVersion() + " is not served; use HTTP/1.1"),
            new Exchange(false, x.head(), false));
        return;
      }
      Request r = HttpMessages.request(request, ctx.channel(), limits);
      dispatcher.dispatch(r, response -> answer(response, x));
    } catch (ApiException e) {
      respond(Response.of(e), x);
    } finally {
      request.release();
    }
  }

  /** Hands a worker's answer to the event loop. */
  private void answer(Response response, Exchange x) {
    if (ctx.executor().inEventLoop()) {
      respond(response, x);
      return;
    }
    try {
      ctx.executor().execute(() -> respond(response, x));
    } catch (RejectedExecutionException e) {
      closeQuietly(response.body()); // the server is stopping
    }
  }

  private void respond(Response response, Exchange x) {
    if (!ctx.channel().isActive()) {
      closeQuietly(response.body());
      return;
    }
    phase = Phase.WRITING;
    long length = response.body().length();
    boolean close = !x.keepAlive() || (length < 0 && x.http10());
    HttpResponse head;
    try {
      head = HttpMessages.head(response, length, close, x.http10());
    } catch (IllegalArgumentException e) { // a header value no HTTP message may carry
      LOG.warn("HTTP answer to {} has a bad header: {}", ctx.channel().remoteAddress(), e.getMessage());
      closeQuietly(response.body());
      response = Response.error(500, "internal error: the answer has a malformed header");
      length = response.body().length();
      head = HttpMessages.head(response, length, close, x.http10());
    }
    ctx.write(head);
    ChannelFuture done;
    Response.Body body = response.body();
    if (x.head() || length == 0) {
      closeQuietly(body);
      done = ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
    } else if (body instanceof Response.Bytes b && b.bytes().length <= BodyChunks.CHUNK_BYTES) {
      done = ctx.writeAndFlush(new DefaultLastHttpContent(Unpooled.wrappedBuffer(b.bytes())));
    } else {
      ChannelProgressivePromise progress = ctx.newProgressivePromise();
      progress.addListener(new ChannelProgressiveFutureListener() {
        @Override
        public void operationProgressed(ChannelProgressiveFuture future, long sent, long total) {
          lastProgress = System.nanoTime();
        }

        @Override
        public void operationComplete(ChannelProgressiveFuture future) {}
      });
      done = ctx.writeAndFlush(new HttpChunkedInput(BodyChunks.of(body, this::resumeTransfer)), progress);
    }
    lastProgress = System.nanoTime();
    rearm();
    done.addListener(f -> written(f.isSuccess(), close));
  }

  private void written(boolean success, boolean close) {
    if (!ctx.channel().isActive()) {
      return;
    }
    if (!success) {
      ctx.close();
      return;
    }
    if (close) {
      linger();
      return;
    }
    phase = Phase.IDLE;
    FullHttpRequest next = pipelined.poll();
    if (next != null) {
      begin(next);
      return;
    }
    ctx.channel().config().setAutoRead(true);
    rearm();
  }

  /** Shuts the sending side (TLS: close_notify) and reads away what still comes, for a moment. */
  private void linger() {
    phase = Phase.CLOSING;
    cancelTimer();
    SslHandler tls = ctx.pipeline().get(SslHandler.class);
    if (tls != null) {
      tls.closeOutbound();
    } else if (ctx.channel() instanceof DuplexChannel duplex) {
      duplex.shutdownOutput();
    } else {
      ctx.close();
      return;
    }
    ctx.channel().config().setAutoRead(true);
    timer = ctx.executor().schedule(() -> {
      ctx.close();
    }, LINGER_MILLIS, TimeUnit.MILLISECONDS);
  }

  /**
   * A streamed body has a chunk ready: the writer pulls it, later on the event loop (never from
   * inside a pull, where a publisher that answers a request at once would call this).
   */
  private void resumeTransfer() {
    try {
      ctx.executor().execute(() -> {
        ChunkedWriteHandler chunks = ctx.pipeline().get(ChunkedWriteHandler.class);
        if (chunks != null) {
          chunks.resumeTransfer();
        }
      });
    } catch (RejectedExecutionException e) {
      // the server is stopping
    }
  }

  // ---- the clock --------------------------------------------------------------------------

  private void rearm() {
    cancelTimer();
    switch (phase) {
      case IDLE -> {
        if (partialSince >= 0) {
          long left = limits.requestTimeout().toNanos() - (System.nanoTime() - partialSince);
          timer = ctx.executor().schedule(this::requestTimedOut, Math.max(0, left), TimeUnit.NANOSECONDS);
        } else {
          timer = ctx.executor().schedule(this::idleTimedOut, limits.idleTimeout().toNanos(), TimeUnit.NANOSECONDS);
        }
      }
      case WRITING -> timer = ctx.executor().schedule(this::writeTimedOut, limits.writeTimeout().toNanos(),
          TimeUnit.NANOSECONDS);
      case HANDLING, CLOSING -> { } // the workers' own timeouts bound HANDLING; linger() times CLOSING
    }
  }

  private void cancelTimer() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }

  private void requestTimedOut() {
    if (phase != Phase.IDLE || partialSince < 0) {
      return;
    }
    LOG.debug("HTTP client {} sent no whole request within {}: closing", ctx.channel().remoteAddress(),
        limits.requestTimeout());
    phase = Phase.HANDLING;
    ctx.channel().config().setAutoRead(false);
    respond(Response.error(408, "the request was not received whole within " + seconds(limits.requestTimeout().toMillis())
        + " s of its first byte"), new Exchange(false, false, false));
  }

  private void idleTimedOut() {
    if (phase == Phase.IDLE && partialSince < 0) {
      ctx.close();
    }
  }

  private void writeTimedOut() {
    if (phase != Phase.WRITING) {
      return;
    }
    long quiet = System.nanoTime() - lastProgress;
    long limit = limits.writeTimeout().toNanos();
    if (quiet < limit) {
      timer = ctx.executor().schedule(this::writeTimedOut, limit - quiet, TimeUnit.NANOSECONDS);
      return;
    }
    LOG.debug("HTTP client {} took nothing of its answer for {}: closing", ctx.channel().remoteAddress(),
        limits.writeTimeout());
    ctx.close();
  }

  private static String seconds(long millis) {
    return millis % 1000 == 0 ? Long.toString(millis / 1000) : Double.toString(millis / 1000.0);
  }

  private static void closeQuietly(Closeable c) {
    try {
      c.close();
    } catch (IOException e) {
      // nothing was sent from it
    }
  }
}
