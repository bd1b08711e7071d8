package io.corral.hadoop.am;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.mapreduce.MRJobConfig;
import org.junit.jupiter.api.Test;

class ReducerPreemptionTest {
  private long now = 1_000;
  private final ReducerPreemption preemption = new ReducerPreemption(10_000, () -> now);

  @Test
  void mapsStarvedForTheDelayPreemptOneReducerThenWaitAgain() {
    assertThat(preemption.shouldPreempt(true, 2)).isFalse(); // maps start waiting
    now += 9_999;
    assertThat(preemption.shouldPreempt(true, 2)).isFalse();
    now += 1;
    assertThat(preemption.shouldPreempt(true, 2)).isTrue();
    assertThat(preemption.shouldPreempt(true, 2)).as("one at a time").isFalse();
    now += 10_000;
    assertThat(preemption.shouldPreempt(true, 1)).as("still starving after the delay").isTrue();
  }

  @Test
  void aPlacedMapRestartsTheWait() {
    assertThat(preemption.shouldPreempt(true, 2)).isFalse();
    now += 8_000;
    preemption.mapPlaced();
    now += 8_000;
    assertThat(preemption.shouldPreempt(true, 2)).isFalse();
    now += 2_000;
    assertThat(preemption.shouldPreempt(true, 2)).isTrue();
  }

  @Test
  void noWaitingMapsOrNoRunningReducersNeverPreempt() {
    assertThat(preemption.shouldPreempt(true, 0)).isFalse();
    now += 60_000;
    assertThat(preemption.shouldPreempt(true, 0)).as("no reducer to preempt").isFalse();
    assertThat(preemption.shouldPreempt(false, 3)).isFalse();
    now += 60_000;
    assertThat(preemption.shouldPreempt(false, 3)).as("maps not waiting").isFalse();
    assertThat(preemption.shouldPreempt(true, 3)).as("the wait starts over").isFalse();
  }

  @Test
  void theDelayIsHadoopsSettingButNotBelowTheMinimum() {
    Configuration conf = new Configuration(false);
    assertThat(ReducerPreemption.delayMillis(conf)).isEqualTo(ReducerPreemption.MIN_DELAY_MILLIS);
    conf.setInt(MRJobConfig.MR_JOB_REDUCER_PREEMPT_DELAY_SEC, 30);
    assertThat(ReducerPreemption.delayMillis(conf)).isEqualTo(30_000);
  }
}
