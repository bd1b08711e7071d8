package io.corral.common.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.corral.common.detect.MasterDetector;
import io.corral.common.loop.ManualEventLoop;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The stream's timers on a manual loop (no real time passes, and no connection is made: the
 * handler opens no call on the channel it is given): the backoff between attempts, the short
 * backoff after a master that does not lead, and the bounded wait of {@link
 * ReconnectingStream#closeAfter}. ReconnectingStreamTest covers the real connections.
 */
class ReconnectingStreamTimersTest {
  private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
  private final ManualEventLoop loop = new ManualEventLoop("stream-test", START);
  private final Peer peer = new Peer();
  private final Handler handler = new Handler();
  private final ReconnectingStream<String, String> stream = new ReconnectingStream<>("peer", loop, Runnable::run,
      peer, 1 << 20, new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(8)), handler);

  @AfterEach
  void close() {
    stream.close();
  }

  /** A peer that is found (or not) on demand; records when it was looked up. */
  private final class Peer implements MasterDetector {
    final List<Duration> lookups = new ArrayList<>();
    boolean found = true;

    @Override
    public HostPort detect(Duration timeout) throws TimeoutException {
      lookups.add(elapsed());
      if (!found) {
        throw new TimeoutException("no leader");
      }
      return new HostPort("127.0.0.1", 1);
    }

    @Override
    public String spec() {
      return "127.0.0.1:1";
    }

    @Override
    public void close() { }
  }

  /** Records the streams it opened (the peer's side: {@link #responses}) and what they carried. */
  private final class Handler implements ReconnectingStream.Handler<String, String> {
    final List<Duration> opened = new ArrayList<>();
    final List<String> sent = new ArrayList<>();
    final List<String> ends = new ArrayList<>();
    StreamObserver<String> responses;

    @Override
    public StreamObserver<String> open(ManagedChannel channel, StreamObserver<String> responses) {
      this.responses = responses;
      return new StreamObserver<>() {
        @Override
        public void onNext(String value) {
          sent.add(value);
        }

        @Override
        public void onError(Throwable t) { }

        @Override
        public void onCompleted() {
          sent.add("(completed)");
        }
      };
    }

    @Override
    public void opened(HostPort p) {
      opened.add(elapsed());
    }

    @Override
    public void event(String event) { }

    @Override
    public void ended(String why) {
      ends.add(why);
    }
  }

  private Duration elapsed() {
    return Duration.between(START, loop.now());
  }

  private void started() {
    loop.execute(stream::start);
    loop.runPending();
  }

  /** The gaps between successive times. */
  private static List<Duration> gaps(List<Duration> times) {
    List<Duration> out = new ArrayList<>();
    for (int i = 1; i < times.size(); i++) {
      out.add(times.get(i).minus(times.get(i - 1)));
    }
    return out;
  }

  /** How long after {@code endedAt} the {@code n}-th stream (0: the first) was opened. */
  private Duration reopenedAfter(int n, Duration endedAt) {
    return handler.opened.get(n).minus(endedAt);
  }

  /** Within the jitter of a backoff delay of {@code base}: from half of it to one and a half of it. */
  private static void jittered(Duration gap, Duration base) {
    assertThat(gap).isGreaterThanOrEqualTo(base.dividedBy(2)).isLessThan(base.multipliedBy(3).dividedBy(2));
  }

  @Test
  void aPeerNotFoundIsLookedUpAgainAfterDoublingJitteredDelaysUpToTheMaximum() {
    peer.found = false;
    started();

    loop.advance(Duration.ofMinutes(2));

    List<Duration> gaps = gaps(peer.lookups);
    assertThat(gaps).hasSizeGreaterThan(8);
    jittered(gaps.get(0), Duration.ofSeconds(1));
    jittered(gaps.get(1), Duration.ofSeconds(2));
    jittered(gaps.get(2), Duration.ofSeconds(4));
    gaps.subList(3, gaps.size()).forEach(gap -> jittered(gap, Duration.ofSeconds(8)));
    assertThat(handler.opened).isEmpty();
  }

  @Test
  void aStreamThatEndsIsOpenedAgainAfterTheBackoffWhichAnAcceptanceResets() {
    started();
    assertThat(handler.opened).containsExactly(Duration.ZERO);

    for (int i = 0; i < 3; i++) {
      handler.responses.onCompleted(); // the peer ends the stream
      loop.advance(Duration.ofSeconds(12));
    }
    assertThat(handler.ends).containsOnly("closed by the peer").hasSize(3);
    jittered(reopenedAfter(1, Duration.ZERO), Duration.ofSeconds(1));
    jittered(reopenedAfter(2, Duration.ofSeconds(12)), Duration.ofSeconds(2));
    jittered(reopenedAfter(3, Duration.ofSeconds(24)), Duration.ofSeconds(4));

    loop.execute(stream::resetBackoff); // the peer accepted the last stream
    handler.responses.onCompleted();
    loop.advance(Duration.ofSeconds(12));
    jittered(reopenedAfter(4, Duration.ofSeconds(36)), Duration.ofSeconds(1));
    assertThat(handler.sent).as("nothing sent by the stream itself").isEmpty();
  }

  @Test
  void aMasterThatDoesNotLeadIsTriedAgainSoonWithoutGrowingTheBackoff() {
    started();
    for (int i = 0; i < 3; i++) {
      handler.responses.onError(Status.UNAVAILABLE.withDescription(Grpc.NOT_LEADER).asRuntimeException());
      loop.advance(Duration.ofSeconds(2));
    }

    jittered(reopenedAfter(1, Duration.ZERO), Duration.ofMillis(50));
    jittered(reopenedAfter(2, Duration.ofSeconds(2)), Duration.ofMillis(100));
    jittered(reopenedAfter(3, Duration.ofSeconds(4)), Duration.ofMillis(200));

    handler.responses.onCompleted(); // an ordinary end: the main backoff, untouched so far
    loop.advance(Duration.ofSeconds(2));
    jittered(reopenedAfter(4, Duration.ofSeconds(6)), Duration.ofSeconds(1));
  }

  @Test
  void closeAfterWaitsForThePeerAtMostTheTimeItWasGiven() {
    started();
    CompletableFuture<CompletableFuture<Void>> closing = loop.submit(() -> stream.closeAfter("bye", Duration.ofSeconds(10)));
    loop.runPending();
    CompletableFuture<Void> answered = closing.join();
    assertThat(handler.sent).containsExactly("bye");

    loop.advance(Duration.ofSeconds(10).minus(Duration.ofMillis(1)));
    assertThat(answered).isNotDone();
    loop.advance(Duration.ofMillis(1));

    assertThat(answered).failsWithin(Duration.ZERO).withThrowableOfType(java.util.concurrent.ExecutionException.class)
        .withCauseInstanceOf(TimeoutException.class).withMessageContaining("did not answer within PT10S");
    assertThat(handler.sent).containsExactly("bye", "(completed)");
    loop.advance(Duration.ofMinutes(5));
    assertThat(handler.opened).as("no reconnection once closed").hasSize(1);
  }

  @Test
  void closeAfterEndsAsThePeerEndsTheStream() {
    started();
    CompletableFuture<CompletableFuture<Void>> closing = loop.submit(() -> stream.closeAfter("bye", Duration.ofSeconds(10)));
    loop.runPending();

    handler.responses.onCompleted();
    loop.runPending();

    assertThat(closing.join()).isCompletedWithValue(null);
    assertThat(handler.ends).as("the end it waited for is no reason to reconnect").isEmpty();
    assertThat(loop.scheduledCount()).as("its timer is called off").isZero();
  }

  @Test
  void aClosedStreamLooksNothingUpAnyMore() {
    peer.found = false;
    started();
    loop.execute(stream::close);

    loop.advance(Duration.ofHours(1));

    assertThat(peer.lookups).hasSize(1);
  }
}
