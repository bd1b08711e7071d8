package io.corral.http.server;

import io.grpc.netty.shaded.io.netty.buffer.Unpooled;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandlerContext;
import io.grpc.netty.shaded.io.netty.channel.ChannelPipeline;
import io.grpc.netty.shaded.io.netty.handler.codec.DecoderResult;
import io.grpc.netty.shaded.io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpHeaderNames;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpMessage;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpMethod;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpObjectAggregator;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpUtil;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpVersion;

/**
 * Reads a request's body whole, up to the limit. A body over it (announced by
 * {@code Content-Length}, with or without {@code Expect: 100-continue}, or found while reading a
 * chunked one) is not read: the connection gets a failed request that it answers with a JSON 413
 * and closes, as every other refusal is answered.
 */
final class BodyAggregator extends HttpObjectAggregator {
  BodyAggregator(int maxBodyBytes) {
    super(maxBodyBytes, true);
  }

  /**
   * A body announced too large is refused as every oversized one is (not with Netty's empty 413);
   * an expectation other than {@code 100-continue} is ignored (RFC 9110 allows it), not answered
   * with an empty 417.
   */
  @Override
  protected Object newContinueResponse(HttpMessage start, int maxContentLength, ChannelPipeline pipeline) {
    String expect = start.headers().get(HttpHeaderNames.EXPECT);
    if (expect != null && !expect.trim().equalsIgnoreCase("100-continue")
        || HttpUtil.getContentLength(start, -1L) > maxContentLength) {
      return null;
    }
    return super.newContinueResponse(start, maxContentLength, pipeline);
  }

  @Override
  protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
    DefaultFullHttpRequest refused = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/",
        Unpooled.EMPTY_BUFFER);
    refused.setDecoderResult(DecoderResult.failure(new BodyTooLargeException(maxContentLength())));
    ctx.fireChannelRead(refused);
  }

  /** The failure of a request whose body is over the limit. */
  static final class BodyTooLargeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BodyTooLargeException(int max) {
      super("request body larger than " + max + " bytes", null, false, false);
    }
  }
}
