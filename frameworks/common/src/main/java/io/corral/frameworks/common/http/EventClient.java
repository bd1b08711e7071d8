package io.corral.frameworks.common.http;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * One subscriber of an {@link EventStream}: the frames published for it wait in a queue of at most
 * {@code maxBytes} until the server asks for them (which it does as the client's connection takes
 * them), each time all that waits as one piece. A client whose queue would grow past its bound
 * reads too slowly: its queue is dropped and its answer fails, which ends its connection, so a slow
 * client never holds the publisher nor more than about twice its bound.
 *
 * <p>The body of one answer: one subscriber (the server), signalled one at a time (a drain loop:
 * whoever finds work queued delivers it, on the publisher's thread or the server's).
 */
final class EventClient implements Flow.Publisher<List<ByteBuffer>>, Flow.Subscription {
  private final Set<String> types;
  private final int maxBytes;
  private final Consumer<EventClient> gone;
  private final AtomicInteger wip = new AtomicInteger();
  // Guarded by this.
  private final ArrayDeque<ByteBuffer> queue = new ArrayDeque<>();
  private long queuedBytes;
  private long demand;
  private Flow.Subscriber<? super List<ByteBuffer>> subscriber;
  private boolean completing;
  private IOException failure;
  private boolean finished;

  /**
   * @param types the event types it wants; empty: all
   * @param gone told once the client is gone (it cancelled, or its stream ended either way)
   */
  EventClient(Set<String> types, int maxBytes, Consumer<EventClient> gone) {
    this.types = Set.copyOf(types);
    this.maxBytes = maxBytes;
    this.gone = gone;
  }

  boolean wants(String type) {
    return types.isEmpty() || types.contains(type);
  }

  /** What became of a frame offered. */
  enum Offer { QUEUED, GONE, TOO_SLOW }

  /** Queues a frame, unless the client is gone, or its queue would grow past its bound (then it is dropped). */
  Offer offer(ByteBuffer frame) {
    boolean accepted;
    synchronized (this) {
      if (finished || completing || failure != null) {
        return Offer.GONE;
      }
      accepted = queuedBytes + frame.remaining() <= maxBytes;
      if (accepted) {
        queue.add(frame.duplicate());
        queuedBytes += frame.remaining();
      } else {
        queue.clear();
        queuedBytes = 0;
        failure = new IOException("the client read too slowly: more than " + maxBytes
            + " bytes of events waited for it");
      }
    }
    drain();
    return accepted ? Offer.QUEUED : Offer.TOO_SLOW;
  }

  /** Ends the stream once what is queued is sent (the server ends the answer cleanly). */
  void complete() {
    synchronized (this) {
      completing = true;
    }
    drain();
  }

  synchronized long queuedBytes() {
    return queuedBytes;
  }

  @Override
  public void subscribe(Flow.Subscriber<? super List<ByteBuffer>> s) {
    boolean first;
    synchronized (this) {
      first = subscriber == null && !finished;
      if (first) {
        subscriber = s;
      }
    }
    if (!first) {
      s.onSubscribe(new Flow.Subscription() {
        @Override
        public void request(long n) {}

        @Override
        public void cancel() {}
      });
      s.onError(new IllegalStateException("an event stream's answer has one subscriber"));
      return;
    }
    s.onSubscribe(this);
    drain();
  }

  @Override
  public void request(long n) {
    synchronized (this) {
      if (n <= 0) {
        failure = new IOException("asked for " + n + " pieces");
      } else {
        demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
      }
    }
    drain();
  }

  @Override
  public void cancel() {
    synchronized (this) {
      finished = true;
      queue.clear();
      queuedBytes = 0;
    }
    gone.accept(this);
  }

  private void drain() {
    if (wip.getAndIncrement() != 0) {
      return;
    }
    int missed = 1;
    do {
      deliver();
      missed = wip.addAndGet(-missed);
    } while (missed != 0);
  }

  /** Signals what it can: pieces while they are asked for, then the end. */
  private void deliver() {
    while (true) {
      Flow.Subscriber<? super List<ByteBuffer>> s;
      List<ByteBuffer> piece = null;
      IOException error = null;
      synchronized (this) {
        s = subscriber;
        if (s == null || finished) {
          return;
        }
        if (failure != null) {
          error = failure;
          finished = true;
        } else if (!queue.isEmpty() && demand > 0) {
          piece = new ArrayList<>(queue);
          queue.clear();
          queuedBytes = 0;
          demand--;
        } else if (queue.isEmpty() && completing) {
          finished = true;
        } else {
          return;
        }
      }
      if (piece != null) {
        s.onNext(piece);
        continue;
      }
      if (error != null) {
        s.onError(error);
      } else {
        s.onComplete();
      }
      gone.accept(this);
      return;
    }
  }
}
