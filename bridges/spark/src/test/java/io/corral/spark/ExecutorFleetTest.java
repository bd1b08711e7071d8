package io.corral.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.corral.common.loop.ManualEventLoop;
import io.corral.common.resources.Resources;
import io.corral.protocol.Offer;
import io.corral.protocol.TaskState;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ExecutorFleetTest {
  private static final ExecutorSpec ONE_CORE = new ExecutorSpec(1, 512, 896);
  private final ManualEventLoop loop = new ManualEventLoop();
  /** The executors killed, by task id. */
  private final List<String> killed = new ArrayList<>();

  private ExecutorFleet fleet(ExecutorSpec spec, int maxCores, int initialTarget) {
    return new ExecutorFleet(spec, maxCores, initialTarget, loop, e -> killed.add(e.taskId()));
  }

  private static Offer offer(String agent, String resources) {
    return Offer.newBuilder().setId("o-" + agent).setAgentId(agent).setHostname("host-" + agent)
        .addAllResources(Resources.parse(resources).toProto()).build();
  }

  @Test
  void executorsSpreadOverAgentsBeforeDoublingUp() {
    ExecutorFleet fleet = fleet(ONE_CORE, Integer.MAX_VALUE, 3);
    List<ExecutorFleet.Launch> launches = fleet.place(List.of(offer("a", "cpus:4;mem:4096"),
        offer("b", "cpus:4;mem:4096")), Set.of());
    assertThat(launches).hasSize(3);
    assertThat(launches.stream().filter(l -> l.executor().agentId().equals("a"))).hasSize(2);
    assertThat(launches.stream().filter(l -> l.executor().agentId().equals("b"))).hasSize(1);
    assertThat(launches).extracting(l -> l.executor().id()).containsExactly("1", "2", "3");
    assertThat(launches).allMatch(l -> l.resources().equals(Resources.parse("cpus:1;mem:896")));
    assertThat(fleet.wanted()).isZero();
  }

  @Test
  void offersTooSmallExcludedHostsAndFailingAgentsGetNothing() {
    ExecutorFleet fleet = fleet(ONE_CORE, Integer.MAX_VALUE, 4);
    assertThat(fleet.place(List.of(offer("small", "cpus:4;mem:800")), Set.of())).isEmpty();
    assertThat(fleet.place(List.of(offer("x", "cpus:4;mem:4096")), Set.of("host-x"))).isEmpty();
    for (int i = 0; i < ExecutorFleet.MAX_AGENT_FAILURES; i++) {
      ExecutorFleet.Launch l = fleet.place(List.of(offer("bad", "cpus:1;mem:1024")), Set.of()).get(0);
      assertThat(fleet.update(l.executor().taskId(), TaskState.TASK_FAILED).killedByUs()).isFalse();
    }
    assertThat(fleet.place(List.of(offer("bad", "cpus:4;mem:4096")), Set.of())).isEmpty();
    assertThat(fleet.place(List.of(offer("good", "cpus:4;mem:4096")), Set.of())).hasSize(4);
  }

  @Test
  void coresMaxCapsTheExecutors() {
    ExecutorFleet fleet = fleet(new ExecutorSpec(2, 512, 896), 5, 10);
    assertThat(fleet.place(List.of(offer("a", "cpus:8;mem:8192"), offer("b", "cpus:8;mem:8192")), Set.of()))
        .hasSize(2);
    assertThat(fleet.wanted()).isZero();
  }

  @Test
  void targetKillAndLossAreTracked() {
    ExecutorFleet fleet = fleet(ONE_CORE, Integer.MAX_VALUE, 0);
    assertThat(fleet.wanted()).isZero();
    assertThat(fleet.setTarget(2)).isTrue();
    List<ExecutorFleet.Launch> launches = fleet.place(List.of(offer("a", "cpus:2;mem:2048")), Set.of());
    assertThat(launches).as("one agent offered: both on it").hasSize(2);
    assertThat(fleet.place(List.of(offer("b", "cpus:2;mem:2048")), Set.of())).as("target reached").isEmpty();
    assertThat(fleet.update("executor-1", TaskState.TASK_RUNNING)).isNull();
    assertThat(fleet.running()).isEqualTo(1);

    assertThat(fleet.kill("1").taskId()).isEqualTo("executor-1");
    assertThat(killed).containsExactly("executor-1");
    assertThat(fleet.kill("1")).as("being killed already").isNull();
    assertThat(fleet.kill("99")).isNull();
    assertThat(killed).containsExactly("executor-1");
    assertThat(fleet.alive()).isEqualTo(1);
    ExecutorFleet.Ended ended = fleet.update("executor-1", TaskState.TASK_KILLED);
    assertThat(ended.killedByUs()).isTrue();
    assertThat(fleet.startFailures("a")).isZero();

    ExecutorFleet.Ended lost = fleet.update("executor-2", TaskState.TASK_UNREACHABLE);
    assertThat(lost.agentLost()).isTrue();
    assertThat(lost.killedByUs()).isFalse();
    assertThat(fleet.update("executor-2", TaskState.TASK_LOST)).as("already ended").isNull();
    assertThat(fleet.wanted()).isEqualTo(2);
    assertThat(fleet.setTarget(0)).isFalse();
  }
}
