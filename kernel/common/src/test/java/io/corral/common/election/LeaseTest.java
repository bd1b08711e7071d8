package io.corral.common.election;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The leader's lease, on a clock the test moves (no real time passes). */
class LeaseTest {
  private static final Duration LENGTH = Duration.ofSeconds(20);
  private final AtomicLong now = new AtomicLong(-5_000_000_000L); // monotonic clocks may start anywhere
  private final Lease lease = new Lease(LENGTH, now::get);

  private void advance(Duration d) {
    now.addAndGet(d.toNanos());
  }

  @Test
  void aNewLeaseIsExpired() {
    assertThat(lease.valid()).isFalse();
  }

  @Test
  void aConfirmedTripHoldsTheLeaseForItsLengthFromWhenTheTripBegan() {
    long began = lease.trip();
    advance(Duration.ofSeconds(3)); // ZooKeeper answers 3 s later
    lease.confirmed(began);

    advance(Duration.ofSeconds(17).minusNanos(1));
    assertThat(lease.valid()).isTrue();
    advance(Duration.ofNanos(1));
    assertThat(lease.valid()).as("20 s after the trip began, not after the answer").isFalse();
  }

  @Test
  void aLateAnswerToAnOlderTripNeverShortensTheLease() {
    long older = lease.trip();
    advance(Duration.ofSeconds(5));
    lease.confirmed(lease.trip());
    lease.confirmed(older);

    advance(Duration.ofSeconds(19));
    assertThat(lease.valid()).isTrue();
  }

  @Test
  void aRevokedLeaseIsOverAtOnceUntilTheNextConfirmedTrip() {
    lease.confirmed(lease.trip());
    lease.revoke();
    assertThat(lease.valid()).isFalse();

    lease.confirmed(lease.trip());
    assertThat(lease.valid()).isTrue();
  }
}
