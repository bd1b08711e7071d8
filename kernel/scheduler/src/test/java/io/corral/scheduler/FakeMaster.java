package io.corral.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.corral.common.net.Grpc;
import io.corral.protocol.SchedulerCall;
import io.corral.protocol.SchedulerEvent;
import io.corral.protocol.SchedulerServiceGrpc;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The master's end of the scheduler streams, played by the test: a gRPC server on loopback with
 * no master behind it. It records what each stream's driver sends, and sends, ends or fails a
 * stream when the test says so.
 */
final class FakeMaster implements AutoCloseable {
  static final Duration WAIT = Duration.ofSeconds(10);

  private final BlockingQueue<Stream> opened = new LinkedBlockingQueue<>();
  private final Server server;

  FakeMaster() throws IOException {
    SchedulerServiceGrpc.SchedulerServiceImplBase service = new SchedulerServiceGrpc.SchedulerServiceImplBase() {
      @Override
      public StreamObserver<SchedulerCall> subscribe(StreamObserver<SchedulerEvent> responses) {
        Stream s = new Stream(responses);
        opened.add(s);
        return s.inbound();
      }
    };
    server = Grpc.startServer("127.0.0.1", 0, Grpc.DEFAULT_MAX_MESSAGE_BYTES, List.of(service.bindService()));
  }

  /** host:port, as a driver is given its master. */
  String address() {
    return "127.0.0.1:" + server.getPort();
  }

  int port() {
    return server.getPort();
  }

  /** The next stream a driver opens (waits up to {@link #WAIT}). */
  Stream nextStream() throws InterruptedException {
    Stream s = opened.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    if (s == null) {
      throw new AssertionError("no driver opened a stream within " + WAIT);
    }
    return s;
  }

  /** Cancels the streams still open and stops. */
  @Override
  public void close() {
    Grpc.shutdown(server);
  }

  /** One subscription stream. */
  static final class Stream {
    private final StreamObserver<SchedulerEvent> out;
    private final BlockingQueue<SchedulerCall> calls = new LinkedBlockingQueue<>();
    private boolean ended;
    /** How the driver ended its side: "completed", or the status it cancelled with. */
    final CompletableFuture<String> driverEnded = new CompletableFuture<>();

    Stream(StreamObserver<SchedulerEvent> out) {
      this.out = out;
    }

    private StreamObserver<SchedulerCall> inbound() {
      return new StreamObserver<>() {
        @Override
        public void onNext(SchedulerCall call) {
          calls.add(call);
        }

        @Override
        public void onError(Throwable t) {
          driverEnded.complete(Status.fromThrowable(t).getCode().toString());
        }

        @Override
        public void onCompleted() {
          driverEnded.complete("completed");
          end(); // as the master does: the driver is done, so is the stream
        }
      };
    }

    /** The next call the driver sent on this stream (waits up to {@link #WAIT}). */
    SchedulerCall next() throws InterruptedException {
      SchedulerCall c = calls.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      if (c == null) {
        throw new AssertionError("the driver sent nothing within " + WAIT);
      }
      return c;
    }

    /** The next call, which must be of {@code type}. */
    SchedulerCall next(SchedulerCall.TypeCase type) throws InterruptedException {
      SchedulerCall c = next();
      assertThat(c.getTypeCase()).as("the driver's next call: %s", c).isEqualTo(type);
      return c;
    }

    /** The calls received so far and not taken by {@link #next}. */
    List<SchedulerCall> pending() {
      return List.copyOf(calls);
    }

    synchronized void send(SchedulerEvent event) {
      out.onNext(event);
    }

    /** Ends the stream normally, as the master does after a teardown (once; later ends are no-ops). */
    synchronized void end() {
      if (!ended) {
        ended = true;
        out.onCompleted();
      }
    }

    synchronized void fail(Status status) {
      if (!ended) {
        ended = true;
        out.onError(status.asRuntimeException());
      }
    }
  }
}
