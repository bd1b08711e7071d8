package io.corral.master.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class CycleLogTest {

  @Test
  void keepsSamplesInOrderWithTheirSequence() {
    CycleLog log = new CycleLog(4);
    log.record(10, 15, 12, 1);
    log.record(20, 25, 22, 2);

    assertThat(log.count()).isEqualTo(2);
    assertThat(log.recent()).containsExactly(
        new CycleLog.Sample(0, 10, 15, 12, 1), new CycleLog.Sample(1, 20, 25, 22, 2));
    assertThat(log.since(1)).containsExactly(new CycleLog.Sample(1, 20, 25, 22, 2));
    assertThat(log.since(2)).isEmpty();
  }

  @Test
  void keepsOnlyTheLatestCapacitySamples() {
    CycleLog log = new CycleLog(3);
    for (int i = 0; i < 10; i++) {
      log.record(i, i, i, i);
    }

    assertThat(log.count()).isEqualTo(10);
    assertThat(log.recent()).extracting(CycleLog.Sample::seq).containsExactly(7L, 8L, 9L);
    assertThat(log.since(8)).extracting(CycleLog.Sample::allocatorNanos).containsExactly(8L, 9L);
  }

  @Test
  void rejectsAnEmptyRing() {
    assertThatThrownBy(() -> new CycleLog(0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void readersNeverSeeTornSamples() throws Exception {
    CycleLog log = new CycleLog(8);
    AtomicBoolean stop = new AtomicBoolean();
    // Every sample the writer records has all its fields equal to its sequence number.
    Thread writer = new Thread(() -> {
      for (long n = 0; !stop.get(); n++) {
        log.record(n, n, n, (int) n);
      }
    });
    writer.start();
    try {
      for (int i = 0; i < 20_000; i++) {
        List<CycleLog.Sample> samples = log.recent();
        for (CycleLog.Sample s : samples) {
          assertThat(s.allocatorNanos()).isEqualTo(s.seq());
          assertThat(s.totalNanos()).isEqualTo(s.seq());
          assertThat(s.cpuNanos()).isEqualTo(s.seq());
          assertThat(s.offers()).isEqualTo((int) s.seq());
        }
      }
    } finally {
      stop.set(true);
      writer.join();
    }
  }
}
