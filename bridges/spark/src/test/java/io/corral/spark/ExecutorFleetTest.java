package io.corral.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.corral.common.loop.ManualEventLoop;
import io.corral.common.resources.Resources;
import io.corral.protocol.Offer;
import io.corral.protocol.TaskState;
import io.corral.protocol.TaskStatus;
import io.corral.protocol.TaskStatusReason;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

class ExecutorFleetTest {
  private static final ExecutorSpec ONE_CORE = new ExecutorSpec(1, 512, 896);
  private final ManualEventLoop loop = new ManualEventLoop();
  /** The executors killed, by task id. */
  private final List<String> killed = new ArrayList<>();

  private ExecutorFleet fleet(ExecutorSpec spec, int maxCores, int initialTarget) {
    return new ExecutorFleet(spec, maxCores, initialTarget, loop, e -> killed.add(e.taskId()));
  }

  private static final Predicate<String> NONE_FAILING = agent -> false;

  private static TaskStatus status(String taskId, TaskState state) {
    return status(taskId, state, TaskStatusReason.REASON_EXECUTOR_TERMINATED);
  }

  private static TaskStatus status(String taskId, TaskState state, TaskStatusReason reason) {
    return TaskStatus.newBuilder().setTaskId(taskId).setState(state).setReason(reason).build();
  }

  private static Offer offer(String agent, String resources) {
    return Offer.newBuilder().setId("o-" + agent).setAgentId(agent).setHostname("host-" + agent)
        .addAllResources(Resources.parse(resources).toProto()).build();
  }

  @Test
  void executorsSpreadOverAgentsBeforeDoublingUp() {
    ExecutorFleet fleet = fleet(ONE_CORE, Integer.MAX_VALUE, 3);
    List<ExecutorFleet.Launch> launches = fleet.place(List.of(offer("a", "cpus:4;mem:4096"),
        offer("b", "cpus:4;mem:4096")), Set.of(), NONE_FAILING);
    assertThat(launches).hasSize(3);
    assertThat(launches.stream().filter(l -> l.executor().agentId().equals("a"))).hasSize(2);
    assertThat(launches.stream().filter(l -> l.executor().agentId().equals("b"))).hasSize(1);
    assertThat(launches).extracting(l -> l.executor().id()).containsExactly("1", "2", "3");
    assertThat(launches).allMatch(l -> l.resources().equals(Resources.parse("cpus:1;mem:896")));
    assertThat(fleet.wanted()).isZero();
  }

  @Test
  void offersTooSmallAndExcludedHostsGetNothing() {
    ExecutorFleet fleet = fleet(ONE_CORE, Integer.MAX_VALUE, 4);
    assertThat(fleet.place(List.of(offer("small", "cpus:4;mem:800")), Set.of(), NONE_FAILING)).isEmpty();
    assertThat(fleet.place(List.of(offer("x", "cpus:4;mem:4096")), Set.of("host-x"), NONE_FAILING)).isEmpty();
    assertThat(fleet.wanted()).isEqualTo(4);
  }

  /** A failing agent is a last resort: never skipped for good (a cluster of failing agents would wait for ever). */
  @Test
  void failingAgentsGetExecutorsOnlyWhenNoOtherAgentHasRoom() {
    ExecutorFleet fleet = fleet(ONE_CORE, Integer.MAX_VALUE, 3);
    Predicate<String> badFails = "bad"::equals;
    List<ExecutorFleet.Launch> launches = fleet.place(List.of(offer("bad", "cpus:4;mem:4096"),
        offer("good", "cpus:2;mem:4096")), Set.of(), badFails);
    assertThat(launches).extracting(l -> l.executor().agentId()).containsExactly("good", "good", "bad");
    assertThat(fleet.place(List.of(offer("bad", "cpus:4;mem:4096")), Set.of(), badFails)).isEmpty();
    fleet.setTarget(4);
    assertThat(fleet.place(List.of(offer("bad", "cpus:4;mem:4096")), Set.of(), badFails)).hasSize(1);
  }

  /** What counts toward spark.executor.maxNumFailures: launches that failed and executors that died, nothing else. */
  @Test
  void failuresAreTheExecutorsOwnNotKillsOrTheirAgentsDoing() {
    ExecutorFleet fleet = fleet(ONE_CORE, Integer.MAX_VALUE, 7);
    fleet.place(List.of(offer("a", "cpus:8;mem:8192")), Set.of(), NONE_FAILING);
    assertThat(fleet.update(status("executor-1", TaskState.TASK_FAILED)).failed()).as("died").isTrue();
    assertThat(fleet.update(status("executor-2", TaskState.TASK_FAILED, TaskStatusReason.REASON_FETCH_FAILED))
        .failed()).as("fetch failed").isTrue();
    assertThat(fleet.update(status("executor-3", TaskState.TASK_ERROR, TaskStatusReason.REASON_TASK_INVALID))
        .failed()).as("refused launch").isTrue();
    assertThat(fleet.update(status("executor-4", TaskState.TASK_FAILED, TaskStatusReason.REASON_AGENT_RECOVERY_FAILED))
        .failed()).as("lost in the agent's restart").isFalse();
    assertThat(fleet.update(status("executor-5", TaskState.TASK_LOST, TaskStatusReason.REASON_AGENT_REMOVED))
        .failed()).as("lost with its agent").isFalse();
    assertThat(fleet.update(status("executor-6", TaskState.TASK_KILLED)).failed()).as("killed by an operator").isFalse();
    fleet.kill("7");
    assertThat(fleet.update(status("executor-7", TaskState.TASK_FAILED)).failed()).as("killed by Spark's request")
        .isFalse();
  }

  @Test
  void coresMaxCapsTheExecutors() {
    ExecutorFleet fleet = fleet(new ExecutorSpec(2, 512, 896), 5, 10);
    assertThat(fleet.place(List.of(offer("a", "cpus:8;mem:8192"), offer("b", "cpus:8;mem:8192")), Set.of(), NONE_FAILING))
        .hasSize(2);
    assertThat(fleet.wanted()).isZero();
  }

  @Test
  void targetKillAndLossAreTracked() {
    ExecutorFleet fleet = fleet(ONE_CORE, Integer.MAX_VALUE, 0);
    assertThat(fleet.wanted()).isZero();
    assertThat(fleet.setTarget(2)).isTrue();
    List<ExecutorFleet.Launch> launches = fleet.place(List.of(offer("a", "cpus:2;mem:2048")), Set.of(), NONE_FAILING);
    assertThat(launches).as("one agent offered: both on it").hasSize(2);
    assertThat(fleet.place(List.of(offer("b", "cpus:2;mem:2048")), Set.of(), NONE_FAILING)).as("target reached").isEmpty();
    assertThat(fleet.update(status("executor-1", TaskState.TASK_RUNNING))).isNull();
    assertThat(fleet.running()).isEqualTo(1);

    assertThat(fleet.kill("1").taskId()).isEqualTo("executor-1");
    assertThat(killed).containsExactly("executor-1");
    assertThat(fleet.kill("1")).as("being killed already").isNull();
    assertThat(fleet.kill("99")).isNull();
    assertThat(killed).containsExactly("executor-1");
    assertThat(fleet.alive()).isEqualTo(1);
    ExecutorFleet.Ended ended = fleet.update(status("executor-1", TaskState.TASK_KILLED));
    assertThat(ended.killedByUs()).isTrue();
    assertThat(ended.failed()).isFalse();

    ExecutorFleet.Ended lost = fleet.update(status("executor-2", TaskState.TASK_UNREACHABLE));
    assertThat(lost.agentLost()).isTrue();
    assertThat(lost.killedByUs()).isFalse();
    assertThat(fleet.update(status("executor-2", TaskState.TASK_LOST))).as("already ended").isNull();
    assertThat(fleet.wanted()).isEqualTo(2);
    assertThat(fleet.setTarget(0)).isFalse();
  }

  /**
   * Executors Spark decommissions (a preemption notice, dynamic allocation's scale-down) exit by
   * themselves once their blocks moved: however their task ends, that is no failure, and Spark is
   * told of a decommission; so is an executor the master killed at a notice's deadline.
   */
  @Test
  void decommissionedAndPreemptedExecutorsLeaveWithoutFailing() {
    ExecutorFleet fleet = fleet(ONE_CORE, Integer.MAX_VALUE, 4);
    fleet.place(List.of(offer("a", "cpus:4;mem:8192")), Set.of(), NONE_FAILING);
    fleet.kill("4");
    assertThat(fleet.toDecommission(List.of("executor-1", "executor-2", "executor-4", "someone-else")))
        .as("live executors of this fleet only").extracting(ExecutorFleet.Executor::id).containsExactly("1", "2");
    fleet.decommissioning("1");
    assertThat(fleet.isDecommissioning("1")).isTrue();
    assertThat(fleet.toDecommission(List.of("executor-1", "executor-2"))).as("not twice")
        .extracting(ExecutorFleet.Executor::id).containsExactly("2");
    assertThat(fleet.alive()).as("still there until it exits").isEqualTo(3);

    ExecutorFleet.Ended exited = fleet.update(status("executor-1", TaskState.TASK_FAILED));
    assertThat(exited.decommissioned()).isTrue();
    assertThat(exited.failed()).as("its JVM exited on its own, as decommissioning has it").isFalse();

    ExecutorFleet.Ended preempted = fleet.update(status("executor-2", TaskState.TASK_KILLED,
        TaskStatusReason.REASON_PREEMPTED));
    assertThat(preempted.decommissioned()).as("killed at the deadline").isTrue();
    assertThat(preempted.failed()).isFalse();

    ExecutorFleet.Ended died = fleet.update(status("executor-3", TaskState.TASK_FAILED));
    assertThat(died.decommissioned()).isFalse();
    assertThat(died.failed()).isTrue();
    assertThat(fleet.wanted()).as("the target stays: replaced once there is room").isEqualTo(4);
  }
}
