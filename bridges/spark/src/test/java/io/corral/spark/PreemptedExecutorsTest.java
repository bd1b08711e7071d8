package io.corral.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.corral.common.loop.ManualEventLoop;
import io.corral.common.resources.Resources;
import io.corral.protocol.Offer;
import io.corral.protocol.SchedulerEvent.PreemptionNotice;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.spark.scheduler.ExecutorDecommissionInfo;
import org.junit.jupiter.api.Test;
import scala.Tuple2;

class PreemptedExecutorsTest {
  private record Call(List<String> ids, List<String> messages, boolean adjustTarget) {}

  private final ExecutorFleet fleet = new ExecutorFleet(new ExecutorSpec(1, 512, 896), Integer.MAX_VALUE, 3,
      new ManualEventLoop(), e -> { });

  PreemptedExecutorsTest() {
    Offer offer = Offer.newBuilder().setId("o").setAgentId("a1").setHostname("h1")
        .addAllResources(Resources.parse("cpus:4;mem:8192").toProto()).build();
    fleet.place(List.of(offer), Set.of(), agent -> false);
  }

  private static PreemptionNotice notice(String... taskIds) {
    PreemptionNotice.Builder n = PreemptionNotice.newBuilder().setRole("b").setDeadlineSeconds(1_700_000_000.5);
    for (String t : taskIds) {
      n.addTasks(PreemptionNotice.Task.newBuilder().setTaskId(t).setAgentId("a1"));
    }
    return n.build();
  }

  private static Call decommissioned(boolean adjustTarget, ExecutorFleet fleet, PreemptionNotice notice) throws Exception {
    CompletableFuture<Call> call = new CompletableFuture<>();
    try (PreemptedExecutors preempted = new PreemptedExecutors(true, adjustTarget, fleet, (executors, adjust) -> call.complete(
        new Call(java.util.Arrays.stream(executors).map(Tuple2::_1).toList(),
            java.util.Arrays.stream(executors).map(Tuple2::_2).map(ExecutorDecommissionInfo::message).toList(),
            adjust)))) {
      preempted.notice(notice);
      return call.get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void theNamedExecutorsAreDecommissionedWithoutLoweringAFixedTarget() throws Exception {
    Call call = decommissioned(false, fleet, notice("executor-3", "executor-1", "not-ours"));
    assertThat(call.ids()).containsExactly("3", "1");
    assertThat(call.messages().get(0)).isEqualTo(
        "preempted by Corral for role b (task executor-3 on h1, killed at 2023-11-14T22:13:20.500Z)");
    assertThat(call.adjustTarget()).as("spark.executor.instances: replaced once the pool has room").isFalse();
  }

  @Test
  void withDynamicAllocationTheTargetDropsBySoMany() throws Exception {
    assertThat(decommissioned(true, fleet, notice("executor-2")).adjustTarget()).isTrue();
  }

  @Test
  void decommissioningIsOnByDefaultAndTheApplicationsSettingWins() {
    assertThat(DecommissionDefaults.missing(k -> false)).containsEntry("spark.decommission.enabled", "true")
        .containsEntry("spark.storage.decommission.enabled", "true")
        .containsEntry("spark.storage.decommission.shuffleBlocks.enabled", "true")
        .containsEntry("spark.storage.decommission.rddBlocks.enabled", "true");
    assertThat(DecommissionDefaults.missing(Set.of("spark.decommission.enabled",
        "spark.storage.decommission.rddBlocks.enabled")::contains))
        .doesNotContainKeys("spark.decommission.enabled", "spark.storage.decommission.rddBlocks.enabled")
        .containsKey("spark.storage.decommission.shuffleBlocks.enabled");
  }

  @Test
  void whenTheApplicationTurnedDecommissioningOffTheExecutorsAreLeftToTheDeadline() {
    List<String> called = new java.util.ArrayList<>();
    try (PreemptedExecutors preempted = new PreemptedExecutors(false, false, fleet, (executors, adjust) -> called.add("called"))) {
      preempted.notice(notice("executor-1"));
    }
    assertThat(called).isEmpty();
    assertThat(fleet.isDecommissioning("1")).isFalse();
  }
}
