package io.corral.master.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.corral.master.MasterConfig;
import io.corral.protocol.AgentEvent;
import io.corral.protocol.FrameworkInfo;
import io.corral.protocol.SchedulerEvent;
import io.corral.protocol.TaskState;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A framework's timers, on the master's loop with a manual clock: a disconnected framework is
 * removed (its tasks killed) when its failover timeout ends, unless its scheduler comes back
 * first; connected schedulers get a heartbeat every interval. Nothing here waits in real time.
 */
class FrameworkTimersTest {
  private static final Duration MS = Duration.ofMillis(1);

  private final ManualMaster master = ManualMaster.serving(MasterConfig.builder()
      .defaultFailoverTimeout(Duration.ofHours(2)).heartbeatInterval(Duration.ofSeconds(15)).build());
  private final ManualMaster.Agent agent = master.agent("cpus:4;mem:4096");

  private static FrameworkInfo framework(double failoverSeconds) {
    return ManualMaster.framework("fw").toBuilder().setFailoverTimeout(failoverSeconds).build();
  }

  /** A scheduler subscribed as {@code info} with one task launched on the agent. */
  private ManualMaster.Scheduler runningOneTask(FrameworkInfo info) {
    ManualMaster.Scheduler scheduler = master.scheduler(info);
    scheduler.launch(scheduler.outstanding().get(0), ManualMaster.task("t1", "cpus:1;mem:128"));
    agent.update(scheduler.id(), "t1", TaskState.TASK_RUNNING);
    return scheduler;
  }

  @Test
  void aDisconnectedFrameworkIsRemovedWhenItsFailoverTimeoutEnds() {
    ManualMaster.Scheduler scheduler = runningOneTask(framework(60));
    String id = scheduler.id();
    master.advance(Duration.ofSeconds(10));
    scheduler.hangUp();

    master.advance(Duration.ofSeconds(60).minus(MS));
    assertThat(master.frameworks()).singleElement().satisfies(f -> {
      assertThat(f.connected()).isFalse();
      assertThat(f.activeTasks()).isOne();
    });

    master.advance(MS);
    assertThat(master.removed(id)).isTrue();
    assertThat(master.frameworks()).isEmpty();
    assertThat(agent.out.any(e -> e.hasShutdownFramework() && e.getShutdownFramework().getFrameworkId().equals(id)))
        .as("its tasks are killed with it").isTrue();
    assertThat(master.elapsed()).isEqualTo(Duration.ofSeconds(70));
  }

  @Test
  void aFrameworkWithoutAFailoverTimeoutHasTheMastersDefault() {
    ManualMaster.Scheduler scheduler = runningOneTask(ManualMaster.framework("fw"));
    scheduler.hangUp();

    master.advance(Duration.ofHours(2).minus(MS));
    assertThat(master.removed(scheduler.id())).isFalse();
    master.advance(MS);
    assertThat(master.removed(scheduler.id())).isTrue();
  }

  @Test
  void aSchedulerBackWithinTheFailoverTimeoutKeepsItsFrameworkAndTasks() {
    ManualMaster.Scheduler first = runningOneTask(framework(60));
    String id = first.id();
    first.hangUp();
    master.advance(Duration.ofSeconds(59));

    ManualMaster.Scheduler second = master.scheduler(framework(60).toBuilder().setId(id).build());
    assertThat(second.out.first(SchedulerEvent::hasSubscribed).getSubscribed().getResubscribed()).isTrue();
    master.advance(Duration.ofHours(1));

    assertThat(master.removed(id)).isFalse();
    assertThat(master.frameworks()).singleElement().satisfies(f -> {
      assertThat(f.connected()).isTrue();
      assertThat(f.activeTasks()).isOne();
    });
    assertThat(agent.out.any(AgentEvent::hasShutdownFramework)).isFalse();
  }

  @Test
  void aFailoverTimeoutOfZeroRemovesTheFrameworkAsItsSchedulerLeaves() {
    ManualMaster.Scheduler scheduler = runningOneTask(framework(0));

    scheduler.hangUp();

    assertThat(master.removed(scheduler.id())).isTrue();
    assertThat(master.elapsed()).isZero();
  }

  @Test
  void connectedSchedulersGetAHeartbeatEveryInterval() {
    master.start();
    ManualMaster.Scheduler staying = master.scheduler(ManualMaster.framework("staying"));
    ManualMaster.Scheduler leaving = master.scheduler(ManualMaster.framework("leaving"));

    master.advance(Duration.ofSeconds(15).minus(MS));
    assertThat(staying.out.any(SchedulerEvent::hasHeartbeat)).isFalse();
    master.advance(MS);
    assertThat(staying.out.all(SchedulerEvent::hasHeartbeat)).hasSize(1);
    assertThat(leaving.out.all(SchedulerEvent::hasHeartbeat)).hasSize(1);

    leaving.hangUp();
    master.advance(Duration.ofSeconds(45));
    assertThat(staying.out.all(SchedulerEvent::hasHeartbeat)).hasSize(4);
    assertThat(leaving.out.all(SchedulerEvent::hasHeartbeat)).hasSize(1);
  }
}
