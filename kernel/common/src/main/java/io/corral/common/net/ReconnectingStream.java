package io.corral.common.net;

import io.corral.common.detect.MasterDetector;
import io.corral.common.loop.EventLoop;
import io.corral.common.security.ClientCredentials;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client end of a long-lived bidirectional stream that comes back: it looks its peer up
 * (host:port, or the leader in ZooKeeper), opens the stream, and after the stream ends looks
 * up and reconnects again, with jittered exponential backoff, until closed; every attempt on a
 * new connection. Used by agents (to the master), schedulers (to the master) and executors (to
 * their agent).
 *
 * <p>Loop-owned: every method must be called on the owner's event loop, and every handler
 * method is called there. Only the lookup, which may block on ZooKeeper, runs elsewhere.
 */
public final class ReconnectingStream<C, E> {
  private static final Logger LOG = LoggerFactory.getLogger(ReconnectingStream.class);

  /** What the owner does with the stream. Called on the owner's loop. */
  public interface Handler<C, E> {
    /** Opens the call on the channel (e.g. {@code AgentServiceGrpc.newStub(ch)::connect}). */
    StreamObserver<C> open(ManagedChannel channel, StreamObserver<E> responses);

    /** A stream to {@code peer} was just opened: send the first call. */
    void opened(HostPort peer);

    void event(E event);

    /** The stream ended (the peer closed it, or it broke); a reconnection is scheduled. */
    void ended(String why);

    /**
     * The peer refused the client's credentials (UNAUTHENTICATED: a wrong secret, an unreadable
     * secret file): true to give up (the stream is closed, no reconnection), false to retry as
     * after {@link #ended}, which is then called.
     */
    default boolean refused(String why) {
      return false;
    }
  }

  private final String name;
  private final EventLoop loop;
  private final Executor lookups;
  private final MasterDetector target;
  private final int maxMessageBytes;
  private final ClientCredentials credentials;
  private final Backoff backoff;
  /**
   * Retries after a master refused us as not the leader: ZooKeeper shows a newly elected master
   * a moment before it opens its doors, so try again soon, without growing the main backoff.
   */
  private final Backoff notLeaderBackoff = new Backoff(Duration.ofMillis(50), Duration.ofSeconds(1));
  private final Handler<C, E> handler;
  private ManagedChannel channel;
  private HostPort peer;
  private StreamObserver<C> out;
  private long generation;
  private boolean closed;
  private EventLoop.Cancellable pendingRetry;
  /** While a last call waits for the peer to end the stream: completed when it has (or the wait is over). */
  private CompletableFuture<Void> closing;
  private EventLoop.Cancellable closingTimer;

  /**
   * @param name what the stream is, for logs ("master", "agent")
   * @param lookups where the (possibly blocking) lookup runs
   */
  public ReconnectingStream(String name, EventLoop loop, Executor lookups, MasterDetector target,
      int maxMessageBytes, Backoff backoff, Handler<C, E> handler) {
    this(name, loop, lookups, target, maxMessageBytes, ClientCredentials.NONE, backoff, handler);
  }

  /** @param credentials what the stream presents to its peer (TLS files, a principal's secret) */
  public ReconnectingStream(String name, EventLoop loop, Executor lookups, MasterDetector target,
      int maxMessageBytes, ClientCredentials credentials, Backoff backoff, Handler<C, E> handler) {
    this.credentials = credentials;
    this.name = name;
    this.loop = loop;
    this.lookups = lookups;
    this.target = target;
    this.maxMessageBytes = maxMessageBytes;
    this.backoff = backoff;
    this.handler = handler;
  }

  public void start() {
    // A new leader elected while our stream to the old one still looks fine (the old master
    // froze, or lost its session): move at once instead of waiting for keep-alives to fail.
    target.addLeaderListener(leader -> loop.execute(() -> {
      if (closed || closing != null) {
        return;
      }
      if (out != null && peer != null && !leader.equals(peer)) {
        LOG.info("{} {} no longer leads ({} does): reconnecting", name, peer, leader);
        restart("the leader changed to " + leader);
      } else if (out == null && pendingRetry != null) {
        // Waiting out a backoff after failed attempts on the old leader: try the new one now.
        pendingRetry.cancel();
        pendingRetry = null;
        resetBackoff();
        lookUp();
      }
    }));
    lookUp();
  }

  /** Whether a stream is open now. */
  public boolean isOpen() {
    return out != null;
  }

  /** The peer of the current (or last) stream; null before the first lookup. */
  public HostPort peer() {
    return peer;
  }

  /** Sends on the open stream; dropped when there is none (the owner resynchronises on reconnect). */
  public void send(C call) {
    if (out == null) {
      return;
    }
    try {
      out.onNext(call);
    } catch (RuntimeException e) {
      LOG.debug("send to {} failed: {}", name, e.toString());
    }
  }

  /** The peer accepted us: the next reconnection starts from the shortest delay again. */
  public void resetBackoff() {
    backoff.reset();
    notLeaderBackoff.reset();
  }

  /** Drops the current stream (say, its heartbeats stopped) and reconnects. */
  public void restart(String why) {
    StreamObserver<C> dead = out;
    if (dead == null) {
      return;
    }
    generation++; // events of the dropped stream are ignored from now on
    try {
      dead.onError(io.grpc.Status.CANCELLED.withDescription(why).asRuntimeException());
    } catch (RuntimeException e) {
      LOG.debug("cancelling the stream to {}: {}", name, e.toString());
    }
    ended(why, backoff);
  }

  /** Ends the stream for good (what was sent is still delivered); no more reconnections. */
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (out != null) {
      try {
        out.onCompleted();
      } catch (RuntimeException e) {
        LOG.debug("closing the stream to {}: {}", name, e.toString());
      }
      out = null;
    }
    Grpc.shutdown(channel);
  }

  /**
   * Sends a last call, then closes once the peer has ended the stream (its answer to that call) or
   * {@code within} has passed; no more reconnections either way. The future completes on the loop:
   * normally when the peer ended the stream normally in time, otherwise exceptionally with the
   * reason (no stream was open, the stream failed, no answer in time).
   */
  public CompletableFuture<Void> closeAfter(C last, Duration within) {
    if (closing != null) {
      return closing;
    }
    if (closed || out == null) {
      close();
      return CompletableFuture.failedFuture(new IllegalStateException("no stream to the " + name + " was open"));
    }
    closing = new CompletableFuture<>();
    send(last);
    closingTimer = loop.schedule(within, () -> closed(
        new java.util.concurrent.TimeoutException("the " + name + " did not answer within " + within)));
    return closing;
  }

  /** The wait of {@link #closeAfter} is over ({@code why} null: the peer ended the stream normally). */
  private void closed(Throwable why) {
    if (closing.isDone()) {
      return;
    }
    closingTimer.cancel();
    close();
    if (why == null) {
      closing.complete(null);
    } else {
      closing.completeExceptionally(why);
    }
  }

  private void lookUp() {
    if (closed) {
      return;
    }
    CompletableFuture.supplyAsync(() -> {
      try {
        return target.detect(Duration.ofSeconds(30));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      } catch (Exception e) {
        throw new IllegalStateException(e.getMessage(), e);
      }
    }, lookups).whenComplete((found, error) -> loop.execute(() -> {
      if (error != null) {
        Throwable cause = error.getCause() != null ? error.getCause() : error;
        LOG.warn("no {} found via {}: {}; retrying", name, target.spec(), cause.getMessage());
        retry(backoff);
      } else {
        connect(found);
      }
    }));
  }

  private void connect(HostPort found) {
    if (closed) {
      return;
    }
    // A new channel for every attempt, so each one really connects, now: a channel whose connection
    // failed retries on gRPC's own backoff (growing to two minutes, whatever ours says; an agent back
    // after 25 s would not see its executors in time), and one the peer refused (RESOURCE_EXHAUSTED
    // over its connection limit) would keep its refused connection.
    discardChannel();
    channel = Grpc.channel(found, maxMessageBytes, credentials);
    peer = found;
    long gen = ++generation;
    out = handler.open(channel, new StreamObserver<>() {
      @Override
      public void onNext(E event) {
        loop.execute(() -> {
          if (gen == generation && !closed) {
            handler.event(event);
          }
        });
      }

      @Override
      public void onError(Throwable t) {
        loop.execute(() -> {
          if (gen == generation && closing != null) {
            out = null;
            closed(t);
          } else if (gen == generation) {
            if (Grpc.isUnauthenticated(t) && handler.refused(io.grpc.Status.fromThrowable(t).getDescription())) {
              out = null;
              close();
              return;
            }
            ended(t.getMessage(), Grpc.isNotLeader(t) ? notLeaderBackoff : backoff);
          }
        });
      }

      @Override
      public void onCompleted() {
        loop.execute(() -> {
          if (gen == generation && closing != null) {
            out = null;
            closed(null);
          } else if (gen == generation) {
            ended("closed by the " + name, backoff);
          }
        });
      }
    });
    handler.opened(found);
  }

  private void ended(String why, Backoff delays) {
    out = null;
    if (closed) {
      return;
    }
    discardChannel();
    handler.ended(why);
    retry(delays);
  }

  /** Drops the channel of a stream that ended: nothing is left to deliver on it, and its connection goes now. */
  private void discardChannel() {
    if (channel != null) {
      channel.shutdownNow();
      channel = null;
    }
  }

  private void retry(Backoff delays) {
    if (!closed) {
      pendingRetry = loop.schedule(delays.nextDelay(), () -> {
        pendingRetry = null;
        lookUp();
      });
    }
  }
}
