package io.corral.master.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.corral.common.resources.Resources;
import org.junit.jupiter.api.Test;

/** The share rule alone: per scalar resource, against the cluster's total, and one always allowed. */
class SchedulerTaskShareTest {
  private static final Resources CLUSTER = Resources.parse("cpus:8;mem:8192;disk:1000;ports:[31000-32000]");
  private static final SchedulerTaskShare TENTH = new SchedulerTaskShare(0.1);

  @Test
  void theFirstSchedulerTaskAlwaysMayStartHoweverLarge() {
    assertThat(TENTH.refusal(CLUSTER, Resources.EMPTY, 0, Resources.parse("cpus:8;mem:8192"))).isEmpty();
    assertThat(new SchedulerTaskShare(0).refusal(CLUSTER, Resources.EMPTY, 0, Resources.parse("cpus:1"))).isEmpty();
  }

  @Test
  void upToTheShareOfEachResourceAndNotBeyond() {
    Resources held = Resources.parse("cpus:0.4;mem:256");
    assertThat(TENTH.refusal(CLUSTER, held, 1, Resources.parse("cpus:0.4;mem:256"))).as("0.8 of 8 cpus: exactly 0.1")
        .isEmpty();
    assertThat(TENTH.refusal(CLUSTER, held, 1, Resources.parse("cpus:0.401;mem:256"))).isPresent();
    assertThat(TENTH.refusal(CLUSTER, held, 1, Resources.parse("cpus:0.1;mem:564"))).as("mem: 820 MiB of 8192")
        .hasValue("the scheduler tasks may hold 0.1 of the cluster (--scheduler-task-share) and with this one would "
            + "hold 820 of its 8192 mem (1 running): it waits for a scheduler slot, launch it again once one ends");
  }

  @Test
  void resourcesTheTaskDoesNotNeedAndRangesDoNotCount() {
    Resources held = Resources.parse("cpus:0.1;disk:1000");
    assertThat(TENTH.refusal(CLUSTER, held, 3, Resources.parse("cpus:0.1;ports:[31000-31999]"))).isEmpty();
  }

  @Test
  void theShareHeldIsTheLargestFractionOfAnyResource() {
    assertThat(SchedulerTaskShare.of(CLUSTER, Resources.parse("cpus:0.4;mem:4096"))).isEqualTo(0.5);
    assertThat(SchedulerTaskShare.of(CLUSTER, Resources.EMPTY)).isZero();
    assertThat(SchedulerTaskShare.of(Resources.EMPTY, Resources.parse("cpus:1"))).as("no agent in service").isZero();
  }

  @Test
  void aShareIsAFraction() {
    assertThatThrownBy(() -> new SchedulerTaskShare(1.5)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new SchedulerTaskShare(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
  }
}
