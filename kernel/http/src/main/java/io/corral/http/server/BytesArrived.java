package io.corral.http.server;

import io.grpc.netty.shaded.io.netty.buffer.ByteBuf;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandler;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandlerContext;
import io.grpc.netty.shaded.io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Sits before the HTTP decoder and tells the connection ({@link HttpConnection}) that bytes of a
 * request arrived, before the decoder has a whole request head: the request deadline runs from a
 * request's first byte, so a client that trickles its head a byte at a time is cut off.
 */
@ChannelHandler.Sharable
final class BytesArrived extends ChannelInboundHandlerAdapter {
  static final BytesArrived INSTANCE = new BytesArrived();
  /** The user event fired ahead of every read that carries bytes. */
  static final Object EVENT = new Object() {
    @Override
    public String toString() {
      return "request bytes arrived";
    }
  };

  private BytesArrived() {}

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof ByteBuf buf && buf.isReadable()) {
      ctx.fireUserEventTriggered(EVENT);
    }
    ctx.fireChannelRead(msg);
  }
}
