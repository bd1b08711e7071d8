package io.corral.agent.link;

import io.corral.common.detect.MasterDetector;
import io.corral.common.loop.EventLoop;
import io.corral.common.net.Backoff;
import io.corral.common.net.Grpc;
import io.corral.common.net.HostPort;
import io.corral.protocol.AgentCall;
import io.corral.protocol.AgentEvent;
import io.corral.protocol.AgentServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's stream to the leading master: finds the leader (host:port or ZooKeeper),
 * connects, registers with what {@code registration} returns, and reconnects with backoff
 * whenever the stream ends. Loop-owned, except the leader lookup, which may block and runs
 * on a worker thread.
 */
public final class MasterLink {
  private static final Logger LOG = LoggerFactory.getLogger(MasterLink.class);

  /** What the agent does with the link's news; called on the loop. */
  public interface Listener {
    void onEvent(AgentEvent event);

    void onDisconnected();
  }

  private final EventLoop loop;
  private final ExecutorService workers;
  private final MasterDetector detector;
  private final int maxMessageBytes;
  private final Supplier<AgentCall.Register> registration;
  private final Listener listener;
  private final Backoff backoff = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(10));
  private ManagedChannel channel;
  private HostPort channelTarget;
  private StreamObserver<AgentCall> out;
  private long generation;
  private boolean open;
  private boolean closed;
  private HostPort master;

  public MasterLink(EventLoop loop, ExecutorService workers, MasterDetector detector, int maxMessageBytes,
      Supplier<AgentCall.Register> registration, Listener listener) {
    this.loop = loop;
    this.workers = workers;
    this.detector = detector;
    this.maxMessageBytes = maxMessageBytes;
    this.registration = registration;
    this.listener = listener;
  }

  public void start() {
    loop.execute(this::lookUp);
  }

  /** The master this link connects to (null before the first lookup). */
  public HostPort master() {
    return master;
  }

  public boolean isOpen() {
    return open;
  }

  public void send(AgentCall call) {
    if (!open || out == null) {
      return;
    }
    try {
      out.onNext(call);
    } catch (RuntimeException e) {
      LOG.debug("send to master failed: {}", e.toString());
    }
  }

  /** A registration the master refused: stop reconnecting. */
  public void close() {
    closed = true;
    open = false;
    if (out != null) {
      try {
        out.onCompleted();
      } catch (RuntimeException e) {
        LOG.debug("closing stream: {}", e.toString());
      }
    }
    Grpc.shutdown(channel);
  }

  private void lookUp() {
    if (closed) {
      return;
    }
    CompletableFuture.supplyAsync(() -> {
      try {
        return detector.detect(Duration.ofSeconds(30));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      } catch (Exception e) {
        throw new IllegalStateException(e.getMessage(), e);
      }
    }, workers).whenComplete((leader, error) -> loop.execute(() -> {
      if (error != null) {
        LOG.warn("no master found via {}: {}; retrying", detector.spec(), error.getMessage());
        retry();
      } else {
        connect(leader);
      }
    }));
  }

  private void connect(HostPort leader) {
    if (closed) {
      return;
    }
    master = leader;
    if (channel == null || !leader.equals(channelTarget)) {
      Grpc.shutdown(channel);
      channel = Grpc.channel(leader, maxMessageBytes);
      channelTarget = leader;
    }
    long gen = ++generation;
    out = AgentServiceGrpc.newStub(channel).connect(new StreamObserver<>() {
      @Override
      public void onNext(AgentEvent event) {
        loop.execute(() -> {
          if (gen == generation && !closed) {
            if (event.hasRegistered()) {
              backoff.reset();
            }
            listener.onEvent(event);
          }
        });
      }

      @Override
      public void onError(Throwable t) {
        loop.execute(() -> ended(gen, t.getMessage()));
      }

      @Override
      public void onCompleted() {
        loop.execute(() -> ended(gen, "closed by the master"));
      }
    });
    open = true;
    send(AgentCall.newBuilder().setRegister(registration.get()).build());
  }

  private void ended(long gen, String why) {
    if (gen != generation || closed) {
      return;
    }
    boolean wasOpen = open;
    open = false;
    out = null;
    if (wasOpen) {
      LOG.info("stream to master {} ended: {}", master, why);
      listener.onDisconnected();
    }
    retry();
  }

  private void retry() {
    if (!closed) {
      loop.schedule(backoff.nextDelay(), this::lookUp);
    }
  }
}
