package io.corral.http.server;

import io.corral.http.Response;
import io.grpc.netty.shaded.io.netty.buffer.ByteBuf;
import io.grpc.netty.shaded.io.netty.buffer.ByteBufAllocator;
import io.grpc.netty.shaded.io.netty.buffer.Unpooled;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandlerContext;
import io.grpc.netty.shaded.io.netty.handler.stream.ChunkedInput;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Flow;

/**
 * A response body as chunks that Netty's {@code ChunkedWriteHandler} pulls only while the client's
 * connection takes more: a client that stops reading makes the server read no further, and holds a
 * chunk or two, not the body.
 */
final class BodyChunks {
  static final int CHUNK_BYTES = 64 * 1024;

  private BodyChunks() {}

  /** @param resume what to call when a body produced elsewhere has a chunk ready */
  static ChunkedInput<ByteBuf> of(Response.Body body, Runnable resume) {
    if (body instanceof Response.Bytes b) {
      return new BytesChunks(b.bytes());
    }
    if (body instanceof Response.FileBody f) {
      return new FileChunks(f.channel(), f.length());
    }
    Response.Streamed s = (Response.Streamed) body;
    return new StreamedChunks(s.publisher(), s.length(), resume);
  }

  /** Pieces of an array, without copying. */
  private static final class BytesChunks implements ChunkedInput<ByteBuf> {
    private final byte[] bytes;
    private int offset;

    BytesChunks(byte[] bytes) {
      this.bytes = bytes;
    }

    @Override
    public boolean isEndOfInput() {
      return offset >= bytes.length;
    }

    @Override
    public ByteBuf readChunk(ChannelHandlerContext ctx) {
      return readChunk(ctx.alloc());
    }

    @Override
    public ByteBuf readChunk(ByteBufAllocator allocator) {
      if (offset >= bytes.length) {
        return null;
      }
      int n = Math.min(CHUNK_BYTES, bytes.length - offset);
      ByteBuf chunk = Unpooled.wrappedBuffer(bytes, offset, n);
      offset += n;
      return chunk;
    }

    @Override
    public void close() {}

    @Override
    public long length() {
      return bytes.length;
    }

    @Override
    public long progress() {
      return offset;
    }
  }

  /** Exactly {@code length} bytes of an open file; one that ends sooner fails the answer (and ends the connection). */
  private static final class FileChunks implements ChunkedInput<ByteBuf> {
    private final SeekableByteChannel channel;
    private final long length;
    private long sent;

    FileChunks(SeekableByteChannel channel, long length) {
      this.channel = channel;
      this.length = length;
    }

    @Override
    public boolean isEndOfInput() {
      return sent >= length;
    }

    @Override
    public ByteBuf readChunk(ChannelHandlerContext ctx) throws IOException {
      return readChunk(ctx.alloc());
    }

    @Override
    public ByteBuf readChunk(ByteBufAllocator allocator) throws IOException {
      if (sent >= length) {
        return null;
      }
      ByteBuffer buf = ByteBuffer.allocate((int) Math.min(CHUNK_BYTES, length - sent));
      int n = channel.read(buf);
      if (n < 0) {
        throw new IOException("the file ended after " + sent + " of its " + length + " bytes (it shrank while sent)");
      }
      sent += n;
      return Unpooled.wrappedBuffer(buf.flip());
    }

    @Override
    public void close() throws IOException {
      channel.close();
    }

    @Override
    public long length() {
      return length;
    }

    @Override
    public long progress() {
      return sent;
    }
  }

  /**
   * Pieces another party publishes, one requested at a time: the next only once the last was
   * taken to be written. Runs on the connection's event loop except for the subscriber's callbacks.
   */
  private static final class StreamedChunks implements ChunkedInput<ByteBuf>, Flow.Subscriber<List<ByteBuffer>> {
    private final Flow.Publisher<List<ByteBuffer>> publisher;
    private final long length;
    private final Runnable resume;
    private final Queue<List<ByteBuffer>> ready = new ConcurrentLinkedQueue<>();
    private volatile Flow.Subscription subscription;
    private volatile boolean done;
    private volatile Throwable failure;
    private boolean subscribed;
    private volatile boolean closed;
    private long sent;

    StreamedChunks(Flow.Publisher<List<ByteBuffer>> publisher, long length, Runnable resume) {
      this.publisher = publisher;
      this.length = length;
      this.resume = resume;
    }

    private void subscribeOnce() {
      if (!subscribed) {
        subscribed = true;
        publisher.subscribe(this);
      }
    }

    @Override
    public boolean isEndOfInput() {
      subscribeOnce();
      return done && failure == null && ready.isEmpty();
    }

    @Override
    public ByteBuf readChunk(ChannelHandlerContext ctx) throws IOException {
      return readChunk(ctx.alloc());
    }

    @Override
    public ByteBuf readChunk(ByteBufAllocator allocator) throws IOException {
      subscribeOnce();
      List<ByteBuffer> item = ready.poll();
      if (item == null) {
        if (failure != null) {
          throw new IOException("the answer being passed on failed: " + failure, failure);
        }
        if (done && length >= 0 && sent != length) {
          throw new IOException("the answer being passed on ended after " + sent + " of its " + length + " bytes");
        }
        return null; // more to come: resume() when it does
      }
      if (!done) {
        subscription.request(1);
      }
      ByteBuf chunk = Unpooled.wrappedBuffer(item.toArray(ByteBuffer[]::new));
      sent += chunk.readableBytes();
      return chunk;
    }

    @Override
    public void close() {
      if (closed) {
        return;
      }
      closed = true;
      Flow.Subscription s = subscription;
      if (s != null) {
        s.cancel();
      } else if (!subscribed) {
        subscribed = true;
        new Response.Streamed(publisher, length).close();
      }
    }

    @Override
    public long length() {
      return length;
    }

    @Override
    public long progress() {
      return sent;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      if (closed) {
        s.cancel();
        return;
      }
      s.request(1);
    }

    @Override
    public void onNext(List<ByteBuffer> item) {
      ready.add(item);
      resume.run();
    }

    @Override
    public void onError(Throwable t) {
      failure = t;
      done = true;
      resume.run();
    }

    @Override
    public void onComplete() {
      done = true;
      resume.run();
    }
  }
}
