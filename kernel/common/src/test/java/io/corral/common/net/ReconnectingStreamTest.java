package io.corral.common.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.corral.common.detect.MasterDetector;
import io.corral.common.loop.EventLoop;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The stream's reconnections: every attempt a real one on a new connection, at the stream's own pace. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReconnectingStreamTest {
  private static final MethodDescriptor<byte[], byte[]> ECHO = MethodDescriptor.<byte[], byte[]>newBuilder()
      .setType(MethodDescriptor.MethodType.BIDI_STREAMING).setFullMethodName("test.Echo/Stream")
      .setRequestMarshaller(DecodeGuard.RAW_BYTES).setResponseMarshaller(DecodeGuard.RAW_BYTES).build();
  private final EventLoop loop = EventLoop.threaded("reconnecting-stream-test");

  @AfterEach
  void closeLoop() {
    loop.close();
  }

  /** Sends "hello" when opened; records what happens. */
  private static final class Recorder implements ReconnectingStream.Handler<byte[], byte[]> {
    final List<String> ends = new CopyOnWriteArrayList<>();
    final AtomicInteger events = new AtomicInteger();
    volatile ReconnectingStream<byte[], byte[]> stream;

    @Override
    public StreamObserver<byte[]> open(ManagedChannel channel, StreamObserver<byte[]> responses) {
      return ClientCalls.asyncBidiStreamingCall(channel.newCall(ECHO, CallOptions.DEFAULT), responses);
    }

    @Override
    public void opened(HostPort peer) {
      stream.send(new byte[] {1});
    }

    @Override
    public void event(byte[] event) {
      events.incrementAndGet();
    }

    @Override
    public void ended(String why) {
      ends.add(why);
    }
  }

  private ReconnectingStream<byte[], byte[]> stream(HostPort peer, Recorder handler) {
    ReconnectingStream<byte[], byte[]> s = new ReconnectingStream<>("peer", loop, Runnable::run,
        MasterDetector.forSpec(peer.toString()), 1 << 20, new Backoff(Duration.ofMillis(10), Duration.ofMillis(50)),
        handler); // quick retries, so that a test sees many in little time
    handler.stream = s;
    return s;
  }

  private static Server echoServer(int port, int maxConnectionsPerAddress) throws IOException {
    ServerServiceDefinition echo = ServerServiceDefinition.builder("test.Echo")
        .addMethod(ECHO, ServerCalls.asyncBidiStreamingCall((StreamObserver<byte[]> out) -> new StreamObserver<byte[]>() {
          @Override
          public void onNext(byte[] value) {
            out.onNext(value);
          }

          @Override
          public void onError(Throwable t) {}

          @Override
          public void onCompleted() {
            out.onCompleted();
          }
        })).build();
    return Grpc.startServer("127.0.0.1", port, 1 << 20, List.of(echo), null, maxConnectionsPerAddress);
  }

  @Test
  void everyAttemptConnectsAtTheStreamsOwnPaceNotOnGrpcsGrowingBackoff() throws Exception {
    // A peer that is not up yet: it accepts TCP connections and drops them before any HTTP/2.
    try (ServerSocket down = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      AtomicInteger attempts = new AtomicInteger();
      Thread acceptor = new Thread(() -> {
        while (!down.isClosed()) {
          try (Socket s = down.accept()) {
            attempts.incrementAndGet();
          } catch (IOException e) {
            return;
          }
        }
      }, "drop-connections");
      acceptor.setDaemon(true);
      acceptor.start();
      Recorder handler = new Recorder();
      ReconnectingStream<byte[], byte[]> s = stream(new HostPort("127.0.0.1", down.getLocalPort()), handler);
      loop.execute(s::start);
      // At most 50 ms (+50% jitter) apart: twenty attempts in far less than 5 s. A channel kept from
      // one attempt to the next would connect after 1, 2.6, 5.2 s... whatever the stream asked for.
      await().atMost(Duration.ofSeconds(5)).until(() -> attempts.get() >= 20);
      loop.submit(() -> {
        s.close();
        return null;
      }).join();
    }
  }

  @Test
  void aStreamRefusedOverTheConnectionLimitGetsInAsSoonAsTheOtherConnectionCloses() throws Exception {
    Server server = echoServer(0, 1);
    HostPort address = new HostPort("127.0.0.1", server.getPort());
    ManagedChannel other = Grpc.channel(address, 1 << 20);
    ReconnectingStream<byte[], byte[]> s = null;
    try {
      // The other connection takes the one place.
      CompletableFuture<byte[]> echoed = new CompletableFuture<>();
      StreamObserver<byte[]> held = ClientCalls.asyncBidiStreamingCall(other.newCall(ECHO, CallOptions.DEFAULT),
          new StreamObserver<>() {
            @Override
            public void onNext(byte[] value) {
              echoed.complete(value);
            }

            @Override
            public void onError(Throwable t) {
              echoed.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {}
          });
      held.onNext(new byte[] {9});
      assertThat(echoed.get(10, TimeUnit.SECONDS)).containsExactly(9);

      Recorder handler = new Recorder();
      s = stream(address, handler);
      loop.execute(s::start);
      await().atMost(Duration.ofSeconds(10)).until(() -> handler.ends.stream()
          .anyMatch(why -> why.contains(Status.Code.RESOURCE_EXHAUSTED.name())));
      assertThat(handler.events.get()).isZero();

      other.shutdownNow();
      await().atMost(Duration.ofSeconds(5)).until(() -> handler.events.get() > 0);
    } finally {
      if (s != null) {
        ReconnectingStream<byte[], byte[]> open = s;
        loop.submit(() -> {
          open.close();
          return null;
        }).join();
      }
      Grpc.shutdown(other);
      Grpc.shutdown(server);
    }
  }

  @Test
  void closeAfterALastCallWaitsForThePeerToEndTheStream() throws Exception {
    // A peer that answers a call by ending the stream (as the master ends a scheduler's after its teardown).
    List<String> received = new CopyOnWriteArrayList<>();
    ServerServiceDefinition endOnCall = ServerServiceDefinition.builder("test.Echo")
        .addMethod(ECHO, ServerCalls.asyncBidiStreamingCall((StreamObserver<byte[]> out) -> new StreamObserver<byte[]>() {
          @Override
          public void onNext(byte[] value) {
            received.add(value.length == 0 ? "end" : "hello");
            if (value.length == 0) {
              out.onCompleted();
            }
          }

          @Override
          public void onError(Throwable t) {}

          @Override
          public void onCompleted() {}
        })).build();
    Server server = Grpc.startServer("127.0.0.1", 0, 1 << 20, List.of(endOnCall), null);
    try {
      Recorder handler = new Recorder();
      ReconnectingStream<byte[], byte[]> s = stream(new HostPort("127.0.0.1", server.getPort()), handler);
      loop.execute(s::start);
      await().atMost(Duration.ofSeconds(10)).until(() -> received.contains("hello"));

      CompletableFuture<Void> answered = loop.submit(() -> s.closeAfter(new byte[0], Duration.ofSeconds(30))).join();
      answered.get(10, TimeUnit.SECONDS);
      assertThat(received).containsExactly("hello", "end");
      assertThat(handler.ends).as("the end it waited for is not a reason to reconnect").isEmpty();
      assertThat(loop.submit(s::isOpen).join()).isFalse();

      // A peer that does not answer: the wait is bounded.
      Recorder silent = new Recorder();
      ReconnectingStream<byte[], byte[]> t = stream(new HostPort("127.0.0.1", server.getPort()), silent);
      loop.execute(t::start);
      await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 3);
      CompletableFuture<Void> unanswered = loop.submit(() -> t.closeAfter(new byte[] {1}, Duration.ofMillis(200)))
          .join();
      await().atMost(Duration.ofSeconds(10)).until(unanswered::isDone);
      assertThat(unanswered).isCompletedExceptionally();
    } finally {
      Grpc.shutdown(server);
    }
  }
}
