package io.corral.services.engine;

import static io.corral.services.engine.Fixtures.app;
import static io.corral.services.engine.Fixtures.offer;
import static org.assertj.core.api.Assertions.assertThat;

import io.corral.protocol.TaskState;
import io.corral.protocol.TaskStatus;
import io.corral.protocol.TaskStatusReason;
import io.corral.services.app.AppDefinition;
import io.corral.services.app.AppStatusView;
import io.corral.services.app.HealthCheck;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class EngineReplacementTest {
  private final EngineHarness h = new EngineHarness();

  private Instance runOne(AppDefinition app) {
    h.create(app);
    h.offers(offer("a"));
    h.runAll(app.id().toString());
    return h.tasks(app.id().toString()).get(0);
  }

  @ParameterizedTest
  @EnumSource(value = TaskState.class, names = {"TASK_FINISHED", "TASK_FAILED", "TASK_KILLED", "TASK_ERROR",
      "TASK_LOST", "TASK_DROPPED", "TASK_GONE", "TASK_GONE_BY_OPERATOR", "TASK_UNKNOWN"})
  void aTaskThatEndsIsReplaced(TaskState end) {
    Instance first = runOne(app("/web", 1));
    h.status(Fixtures.status(first, end));
    assertThat(h.tasks("/web")).isEmpty();
    h.advance(Duration.ofSeconds(1)); // past the first launch delay of those that back off
    assertThat(h.suppressed).as("offers wanted").isFalse();
    h.offers(offer("b"));
    assertThat(h.tasks("/web")).extracting(Instance::host).containsExactly("b");
    assertThat(h.eventTypes()).contains("status_update_event");
  }

  @Test
  void aTaskKilledAsUnhealthyIsReplacedAfterTheLaunchDelay() {
    AppDefinition app = app("/web", 1).toBuilder().healthChecks(List.of(HealthCheck.defaults(HealthCheck.Protocol.TCP)))
        .backoffSeconds(3).build();
    Instance first = runOne(app);
    h.status(Fixtures.health(h.task(first.taskId()), false));
    assertThat(h.eventTypes()).contains("health_status_changed_event");
    h.status(Fixtures.status(first, TaskState.TASK_KILLED, TaskStatusReason.REASON_TASK_UNHEALTHY).toBuilder()
        .setHealthy(false).setMessage("connection refused").build());
    assertThat(h.eventTypes()).contains("unhealthy_task_kill_event");
    assertThat(h.view("/web").lastTaskFailure().state()).isEqualTo("TASK_KILLED");
    h.offers(offer("b"));
    assertThat(h.tasks("/web")).as("delayed").isEmpty();
    h.advance(Duration.ofSeconds(3));
    h.offers(offer("b"));
    assertThat(h.tasks("/web")).hasSize(1);
  }

  @Test
  void aCrashLoopBacksOffGrowingToTheMaximum() {
    AppDefinition app = app("/loop", 1).toBuilder().backoffSeconds(2).backoffFactor(2).maxLaunchDelaySeconds(10)
        .build();
    Instance task = runOne(app);
    double[] expected = {2, 4, 8, 10, 10};
    for (double delay : expected) {
      h.status(Fixtures.status(task, TaskState.TASK_FAILED));
      assertThat(h.engine.launchDelaySeconds(app.id())).isEqualTo(delay);
      h.clock.advance(Duration.ofMillis((long) (delay * 1000) - 1));
      h.tick();
      h.offers(offer("a"));
      assertThat(h.tasks("/loop")).as("still delayed %s s", delay).isEmpty();
      h.advance(Duration.ofMillis(1));
      h.offers(offer("a"));
      assertThat(h.tasks("/loop")).hasSize(1);
      task = h.tasks("/loop").get(0);
      h.status(Fixtures.status(task, TaskState.TASK_RUNNING));
    }
    assertThat(h.view("/loop").lastTaskFailure().state()).isEqualTo("TASK_FAILED");
  }

  @Test
  void theDelayIsForgottenAfterAQuietSpellAndForANewVersion() {
    AppDefinition app = app("/loop", 1).toBuilder().backoffSeconds(2).backoffFactor(2).maxLaunchDelaySeconds(10)
        .build();
    Instance task = runOne(app);
    h.status(Fixtures.status(task, TaskState.TASK_FAILED));
    h.advance(Duration.ofSeconds(2));
    h.offers(offer("a"));
    h.runAll("/loop");
    h.status(Fixtures.status(h.tasks("/loop").get(0), TaskState.TASK_FAILED));
    assertThat(h.engine.launchDelaySeconds(app.id())).isEqualTo(4);
    h.advance(Duration.ofSeconds(4 + 10));
    assertThat(h.engine.launchDelaySeconds(app.id())).as("quiet for the delay and the maximum").isZero();

    h.offers(offer("a"));
    h.runAll("/loop");
    h.status(Fixtures.status(h.tasks("/loop").get(0), TaskState.TASK_FAILED));
    assertThat(h.engine.launchDelaySeconds(app.id())).isEqualTo(2);
    h.ok(h.engine.putApp(app.toBuilder().cmd("sleep 2000").build(), true));
    assertThat(h.engine.launchDelaySeconds(app.id())).as("a new version").isZero();
    h.offers(offer("a"));
    assertThat(h.tasks("/loop")).hasSize(1);
  }

  @Test
  void tasksKilledByTheEngineLostWithTheirAgentOrDroppedDoNotBackOff() {
    h.create(app("/web", 3));
    h.offers(offer("a"));
    h.runAll("/web");
    List<Instance> tasks = h.tasks("/web");
    h.status(Fixtures.status(tasks.get(0), TaskState.TASK_LOST));
    h.status(Fixtures.status(tasks.get(1), TaskState.TASK_DROPPED, TaskStatusReason.REASON_INVALID_OFFERS));
    assertThat(h.engine.launchDelaySeconds(tasks.get(0).appId())).isZero();
    h.ok(h.engine.putApp(app("/web", 0), false));
    assertThat(h.kills).containsExactly(tasks.get(2).taskId());
    h.confirmKills();
    assertThat(h.engine.launchDelaySeconds(tasks.get(0).appId())).isZero();
    assertThat(h.view("/web").lastTaskFailure().state()).isEqualTo("TASK_DROPPED");
  }

  @Test
  void anUnreachableTaskIsReplacedElsewhereAndKilledWhenItComesBack() {
    Instance lost = runOne(app("/web", 1));
    h.status(Fixtures.status(lost, TaskState.TASK_UNREACHABLE, TaskStatusReason.REASON_AGENT_UNREACHABLE));
    assertThat(h.view("/web").tasks()).extracting(t -> t.state()).containsExactly("TASK_UNREACHABLE");
    h.offers(offer("b"));
    Instance replacement = h.tasks("/web").stream().filter(i -> i.host().equals("b")).findFirst().orElseThrow();
    h.status(Fixtures.status(replacement, TaskState.TASK_RUNNING));
    assertThat(h.kills).isEmpty();

    h.status(Fixtures.status(lost, TaskState.TASK_RUNNING, TaskStatusReason.REASON_AGENT_REREGISTERED));
    assertThat(h.kills).containsExactly(lost.taskId());
    h.confirmKills();
    assertThat(h.tasks("/web")).extracting(Instance::taskId).containsExactly(replacement.taskId());
  }

  @Test
  void anUnreachableTaskCountsNeitherRunningNorHealthyAndShowsNoHealth() {
    AppDefinition app = app("/web", 1).toBuilder().healthChecks(List.of(HealthCheck.defaults(HealthCheck.Protocol.HTTP)))
        .build();
    Instance lost = runOne(app);
    h.status(Fixtures.health(h.task(lost.taskId()), true));
    // the master's update keeps the last health it heard
    h.status(Fixtures.status(lost, TaskState.TASK_UNREACHABLE, TaskStatusReason.REASON_AGENT_UNREACHABLE).toBuilder()
        .setHealthy(true).build());
    assertThat(h.view("/web").tasksHealthy()).isZero();
    h.offers(offer("b"));
    Instance replacement = h.tasks("/web").stream().filter(i -> i.host().equals("b")).findFirst().orElseThrow();
    h.status(Fixtures.status(replacement, TaskState.TASK_RUNNING));
    h.status(Fixtures.health(h.task(replacement.taskId()), true));

    AppStatusView view = h.view("/web");
    assertThat(view.tasksRunning()).isEqualTo(1);
    assertThat(view.tasksHealthy()).as("only the replacement serves").isEqualTo(1);
    assertThat(view.tasksUnhealthy()).isZero();
    assertThat(view.tasks()).filteredOn(t -> t.state().equals("TASK_UNREACHABLE")).singleElement()
        .satisfies(t -> assertThat(t.healthy()).as("its health is unknown").isNull());
  }

  @Test
  void anUnreachableTaskBackBeforeItsReplacementRunsIsKeptIfStillNeeded() {
    Instance lost = runOne(app("/web", 1));
    h.status(Fixtures.status(lost, TaskState.TASK_UNREACHABLE));
    h.offers(offer("b"));
    Instance replacement = h.tasks("/web").stream().filter(i -> i.host().equals("b")).findFirst().orElseThrow();
    h.status(Fixtures.status(replacement, TaskState.TASK_FAILED));
    h.status(Fixtures.status(lost, TaskState.TASK_RUNNING));
    assertThat(h.kills).isEmpty();
    assertThat(h.tasks("/web")).extracting(Instance::taskId).containsExactly(lost.taskId());
  }

  @Test
  void aRunningTaskNoAppKnowsIsKilled() {
    h.status(TaskStatus.newBuilder().setTaskId("old_app.1").setAgentId("agent-a").setState(TaskState.TASK_RUNNING)
        .build());
    assertThat(h.kills).containsExactly("old_app.1");
    h.status(TaskStatus.newBuilder().setTaskId("old_app.2").setAgentId("agent-a").setState(TaskState.TASK_FINISHED)
        .build());
    assertThat(h.kills).containsExactly("old_app.1");
  }

  @Test
  void healthIsShownAndEventsSaySo() {
    AppDefinition app = app("/web", 1).toBuilder().healthChecks(List.of(HealthCheck.defaults(HealthCheck.Protocol.HTTP)))
        .build();
    Instance task = runOne(app);
    assertThat(h.view("/web").tasks().get(0).healthy()).isNull();
    h.status(Fixtures.health(h.task(task.taskId()), true));
    assertThat(h.view("/web").tasksHealthy()).isEqualTo(1);
    assertThat(h.snapshot.deployments()).as("the deployment waited for health").isEmpty();
    h.status(Fixtures.health(h.task(task.taskId()), false));
    assertThat(h.view("/web").tasksUnhealthy()).isEqualTo(1);
    assertThat(h.view("/web").tasks().get(0).lastHealthMessage()).isEqualTo("HTTP 503");
    assertThat(h.events.stream().filter(e -> e.type().equals("health_status_changed_event"))
        .map(e -> e.fields().get("alive")).toList()).containsExactly(true, false);
    assertThat(h.events.get(h.events.size() - 1).fields()).containsEntry("appId", "/web")
        .containsEntry("taskId", task.taskId());
  }

  @Test
  void statusEventsCarryMarathonsFields() {
    Instance task = runOne(app("/web", 1));
    Map<String, Object> running = h.events.stream().filter(e -> e.type().equals("status_update_event")).findFirst()
        .orElseThrow().fields();
    assertThat(running).containsEntry("taskStatus", "TASK_RUNNING").containsEntry("appId", "/web")
        .containsEntry("taskId", task.taskId()).containsEntry("host", "a").containsEntry("slaveId", "agent-a")
        .containsEntry("ports", task.ports()).containsKeys("timestamp", "version");
    assertThat((String) running.get("timestamp")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
  }
}
