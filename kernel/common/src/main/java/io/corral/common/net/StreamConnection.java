package io.corral.common.net;

import io.corral.common.log.ThrottledWarning;
import io.corral.common.security.Identity;
import io.grpc.Status;
import java.util.Optional;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One open stream to a peer (an agent, a scheduler or an executor). The owning event loop
 * sends on it; a stream may also be completed from a transport thread (when the peer
 * half-closes), so the outbound operations are serialised here, as gRPC requires. A peer that stops reading is cut off once too much is buffered for it, rather than
 * letting the master's memory grow without bound.
 */
public final class StreamConnection<E> {
  private static final Logger LOG = LoggerFactory.getLogger(StreamConnection.class);
  /** Any peer can make these repeat, one stream after another. */
  private static final ThrottledWarning TOO_SLOW = new ThrottledWarning(LOG);
  private static final AtomicLong IDS = new AtomicLong();
  /** Messages sent while the transport reported "not ready" before the peer is cut off. */
  static final int MAX_UNREADY_SENDS = 200_000;
  /** Bytes of messages sent while "not ready" before the peer is cut off, whatever their number. */
  static final long MAX_UNREADY_BYTES = 64L * 1024 * 1024;

  private final long id = IDS.incrementAndGet();
  private final String peer;
  private final Identity identity;
  private final ServerCallStreamObserver<E> out;
  private final AtomicLong unreadySends = new AtomicLong();
  private final AtomicLong unreadyBytes = new AtomicLong();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final BiConsumer<StreamConnection<E>, Throwable> onClosed;

  /**
   * @param onClosed called exactly once when the stream ends, whichever side ends it (with
   *     the cause when it failed)
   */
  public StreamConnection(
      String peer, ServerCallStreamObserver<E> out, BiConsumer<StreamConnection<E>, Throwable> onClosed) {
    this(peer, null, out, onClosed);
  }

  /** @param identity who opened the stream, if it authenticated (null = anonymous) */
  public StreamConnection(String peer, Identity identity, ServerCallStreamObserver<E> out,
      BiConsumer<StreamConnection<E>, Throwable> onClosed) {
    this.peer = peer;
    this.identity = identity;
    this.out = out;
    this.onClosed = onClosed;
    out.setOnReadyHandler(() -> {
      unreadySends.set(0);
      unreadyBytes.set(0);
    });
  }

  public long id() {
    return id;
  }

  /** The remote address, for logs. */
  public String peer() {
    return peer;
  }

  /** Who opened the stream, if it authenticated (by certificate or secret). */
  public Optional<Identity> identity() {
    return Optional.ofNullable(identity);
  }

  public boolean isOpen() {
    return !closed.get();
  }

  /** Sends an event; a closed or failed stream drops it (the peer will resynchronise). */
  public synchronized void send(E event) {
    if (closed.get()) {
      return;
    }
    try {
      if (!out.isReady() && (unreadySends.incrementAndGet() > MAX_UNREADY_SENDS
          || (event instanceof com.google.protobuf.MessageLite m
              && unreadyBytes.addAndGet(m.getSerializedSize()) > MAX_UNREADY_BYTES))) {
        TOO_SLOW.warn("{} reads too slowly ({} messages, {} bytes buffered); closing its stream", peer, unreadySends.get(),
            unreadyBytes.get());
        fail(Status.RESOURCE_EXHAUSTED.withDescription("peer too slow; resubscribe"));
        return;
      }
      out.onNext(event);
    } catch (RuntimeException e) {
      LOG.debug("send to {} failed: {}", peer, e.toString());
      closedBy(e);
    }
  }

  /** Ends the stream normally. */
  public synchronized void complete() {
    if (!closedBy(null)) {
      return;
    }
    try {
      out.onCompleted();
    } catch (RuntimeException e) {
      LOG.debug("completing stream to {} failed: {}", peer, e.toString());
    }
  }

  /** Ends the stream with an error status. */
  public synchronized void fail(Status status) {
    if (!closedBy(status.asRuntimeException())) {
      return;
    }
    try {
      out.onError(status.asRuntimeException());
    } catch (RuntimeException e) {
      LOG.debug("failing stream to {} failed: {}", peer, e.toString());
    }
  }

  /** The peer ended the stream (cause null: normally). */
  public void peerClosed(Throwable cause) {
    closedBy(cause);
  }

  private boolean closedBy(Throwable cause) {
    if (!closed.compareAndSet(false, true)) {
      return false;
    }
    onClosed.accept(this, cause);
    return true;
  }

  @Override
  public String toString() {
    return "stream#" + id + "(" + peer + ")";
  }
}
