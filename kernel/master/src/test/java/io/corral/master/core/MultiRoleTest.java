package io.corral.master.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.corral.common.resources.PooledResources;
import io.corral.common.resources.Resources;
import io.corral.master.MasterConfig;
import io.corral.master.http.StateSnapshot;
import io.corral.protocol.AgentCall;
import io.corral.protocol.AgentEvent;
import io.corral.protocol.FrameworkInfo;
import io.corral.protocol.Offer;
import io.corral.protocol.SchedulerCall;
import io.corral.protocol.SchedulerEvent;
import io.corral.protocol.Task;
import io.corral.protocol.TaskState;
import io.corral.protocol.TaskStatusReason;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Frameworks of several roles (Mesos' MULTI_ROLE) on a running master, on its loop with a manual clock. */
class MultiRoleTest {
  private final ManualMaster master = new ManualMaster(MasterConfig.builder()
      .allocationInterval(Duration.ofSeconds(1)).build()).recover(Map.of()).start();

  private static FrameworkInfo roles(String... roles) {
    return FrameworkInfo.newBuilder().setName("multi").addAllRoles(List.of(roles)).build();
  }

  private static Offer forRole(ManualMaster.Scheduler s, String role) {
    return s.outstanding().stream().filter(o -> o.getAllocationRole().equals(role)).findFirst().orElseThrow();
  }

  private String taskRole(String frameworkId, String taskId) {
    return master.query(v -> v.frameworkEntry(frameworkId).tasks().get(taskId).role());
  }

  private RoleSummary role(String name) {
    return master.query(MasterView::roles).stream().filter(r -> r.name().equals(name)).findFirst().orElseThrow();
  }

  private List<String> errors(ManualMaster.Scheduler s) {
    return s.out.all(SchedulerEvent::hasError).stream().map(e -> e.getError().getMessage()).toList();
  }

  private void update(ManualMaster.Scheduler s, FrameworkInfo info, String... suppressed) {
    s.call(SchedulerCall.newBuilder().setUpdateFramework(SchedulerCall.UpdateFramework.newBuilder()
        .setFrameworkInfo(info.toBuilder().setId(s.id())).addAllSuppressedRoles(List.of(suppressed))));
  }

  @Test
  void offersComeForEachRoleAndATaskIsChargedToItsOffersRole() {
    ManualMaster.Agent one = master.agent("cpus:2;mem:1024");
    ManualMaster.Agent two = master.agent("cpus:2;mem:1024");
    ManualMaster.Scheduler multi = master.scheduler(roles("a", "b"));

    assertThat(multi.out.first(SchedulerEvent::hasSubscribed).getSubscribed().getRolesList()).containsExactly("a", "b");
    assertThat(multi.outstanding()).extracting(Offer::getAllocationRole).containsExactlyInAnyOrder("a", "b");
    Offer b = forRole(multi, "b");
    multi.launch(b, ManualMaster.task("t", "cpus:1;mem:128"));

    ManualMaster.Agent host = b.getAgentId().equals(one.id()) ? one : two;
    assertThat(taskRole(multi.id(), "t")).isEqualTo("b");
    StateSnapshot state = master.query(v -> StateSnapshot.capture(v, "", java.time.Instant.EPOCH, true));
    assertThat(state.tasks()).singleElement().satisfies(t -> assertThat(t.role()).isEqualTo("b"));
    assertThat(state.frameworks()).singleElement().satisfies(f -> assertThat(f.roles()).containsExactly("a", "b"));
    assertThat(role("a").frameworks()).isEqualTo(1);
    assertThat(role("b").frameworks()).isEqualTo(1);
    assertThat(role("b").allocated()).isEqualTo(Resources.parse("cpus:1;mem:128"));
    assertThat(role("a").allocated()).isEqualTo(Resources.EMPTY);
    assertThat(host.out.first(AgentEvent::hasRunTasks).getRunTasks().getTasks(0).getRole()).isEqualTo("b");
  }

  @Test
  void aTaskNamingAnotherRoleThanItsOffersIsRefused() {
    master.agent("cpus:2;mem:1024");
    ManualMaster.Scheduler multi = master.scheduler(roles("a", "b"));
    Offer a = forRole(multi, "a");

    multi.launch(a, ManualMaster.task("t", "cpus:1;mem:128").toBuilder().setRole("b").build());

    assertThat(multi.statuses("t")).singleElement().satisfies(s -> {
      assertThat(s.getState()).isEqualTo(TaskState.TASK_ERROR);
      assertThat(s.getMessage()).isEqualTo("task names role b but its offers are for role a");
    });
  }

  @Test
  void suppressingOneRoleStopsItsOffersWhileTheOtherRoleKeepsGettingThem() {
    master.agent("cpus:2;mem:1024");
    master.agent("cpus:2;mem:1024");
    ManualMaster.Scheduler multi = master.scheduler(roles("a", "b"));
    multi.call(SchedulerCall.newBuilder().setSuppress(SchedulerCall.Suppress.newBuilder().addRoles("a")));
    multi.outstanding().forEach(o -> multi.decline(o, 0));

    master.advance(Duration.ofSeconds(1));

    assertThat(multi.outstanding()).hasSize(2).extracting(Offer::getAllocationRole).containsOnly("b");
    assertThat(master.<java.util.Set<String>>query(v -> v.frameworkEntry(multi.id()).suppressedRoles())).containsExactly("a");

    multi.call(SchedulerCall.newBuilder().setSuppress(SchedulerCall.Suppress.newBuilder().addRoles("c")));
    assertThat(errors(multi)).containsExactly("framework " + multi.id() + " is not in role c (its roles: a, b)");

    multi.call(SchedulerCall.newBuilder().setRevive(SchedulerCall.Revive.newBuilder().addRoles("a")));
    multi.outstanding().forEach(o -> multi.decline(o, 3600));
    master.advance(Duration.ofSeconds(1));
    assertThat(multi.outstanding()).hasSize(2).extracting(Offer::getAllocationRole).containsOnly("a");
  }

  @Test
  void aSubscriptionSuppressesTheRolesItNamesAndTheOldFlagMeansAllRoles() {
    master.agent("cpus:2;mem:1024");
    master.agent("cpus:2;mem:1024");

    ManualMaster.Scheduler some = master.scheduler(SchedulerCall.Subscribe.newBuilder().setFrameworkInfo(roles("a", "b"))
        .addSuppressedRoles("a").build());
    ManualMaster.Scheduler all = master.scheduler(SchedulerCall.Subscribe.newBuilder().setFrameworkInfo(roles("a", "b"))
        .setSuppressed(true).addSuppressedRoles("a").build());
    ManualMaster.Scheduler wrong = master.scheduler(SchedulerCall.Subscribe.newBuilder()
        .setFrameworkInfo(roles("a", "b")).addSuppressedRoles("c").build());

    assertThat(some.outstanding()).hasSize(2).extracting(Offer::getAllocationRole).containsOnly("b");
    assertThat(master.<java.util.Set<String>>query(v -> v.frameworkEntry(some.id()).suppressedRoles())).containsExactly("a");
    assertThat(all.offers()).isEmpty();
    assertThat(master.<java.util.Set<String>>query(v -> v.frameworkEntry(all.id()).suppressedRoles()))
        .containsExactly("a", "b");
    assertThat(wrong.out.first(SchedulerEvent::hasError).getError().getMessage())
        .isEqualTo("suppressed role c is not one of the framework's roles [a, b]");
    assertThat(wrong.out.any(SchedulerEvent::hasSubscribed)).isFalse();
  }

  @Test
  void aSchedulerSubscribingAgainWithSuppressedRolesKeepsThemSuppressed() {
    master.agent("cpus:2;mem:1024");
    ManualMaster.Scheduler first = master.scheduler(roles("a", "b").toBuilder().setFailoverTimeout(60).build());
    first.call(SchedulerCall.newBuilder().setSuppress(SchedulerCall.Suppress.newBuilder().addRoles("b")));
    first.hangUp();

    ManualMaster.Scheduler second = master.scheduler(SchedulerCall.Subscribe.newBuilder()
        .setFrameworkInfo(roles("a", "b").toBuilder().setId(first.id()).setFailoverTimeout(60)).addSuppressedRoles("b")
        .build());

    assertThat(master.<java.util.Set<String>>query(v -> v.frameworkEntry(first.id()).suppressedRoles()))
        .containsExactly("b");
    assertThat(second.outstanding()).singleElement().satisfies(o -> assertThat(o.getAllocationRole()).isEqualTo("a"));
    second.decline(second.outstanding().get(0), 3600);
    master.advance(Duration.ofSeconds(1));
    assertThat(second.outstanding()).as("a filtered, b suppressed").isEmpty();
  }

  @Test
  void anUpdateDroppingARoleRescindsItsOffersAndItsRunningTaskStaysInIt() {
    master.agent("cpus:2;mem:1024");
    master.agent("cpus:2;mem:1024");
    ManualMaster.Scheduler multi = master.scheduler(roles("a", "b"));
    Offer a = forRole(multi, "a");
    multi.launch(a, ManualMaster.task("t", "cpus:1;mem:128"));
    master.advance(Duration.ofSeconds(1)); // what t left of the agent is offered again, for a
    List<String> offersForA = multi.outstanding().stream().filter(o -> o.getAllocationRole().equals("a"))
        .map(Offer::getId).toList();

    update(multi, roles("b", "c"));

    assertThat(errors(multi)).isEmpty();
    assertThat(multi.rescinded()).containsAll(offersForA);
    assertThat(taskRole(multi.id(), "t")).isEqualTo("a");
    assertThat(role("a").allocated()).isEqualTo(Resources.parse("cpus:1;mem:128"));
    assertThat(role("a").frameworks()).isZero();
    assertThat(master.<List<String>>query(v -> v.allocator().roles(multi.id()))).containsExactly("a", "b", "c");
    master.advance(Duration.ofSeconds(1));
    assertThat(multi.outstanding()).extracting(Offer::getAllocationRole).doesNotContain("a");
  }

  /** What the scheduler's outstanding offers hold together, pool by pool. */
  private static PooledResources held(ManualMaster.Scheduler s) {
    return s.outstanding().stream().map(o -> PooledResources.fromProto(o.getResourcesList()))
        .reduce(PooledResources.EMPTY, PooledResources::plus);
  }

  @Test
  void aReservationOfARoleGoesToOneClientOfAFrameworkInTheRoleAndASubRoleAndIsNeverOfferedTwice() {
    PooledResources total = PooledResources.parse("cpus(eng):1;mem(eng):256;cpus:1;mem:256");
    master.agent(AgentCall.Register.newBuilder().setAgentInfo(ManualMaster.agentInfo("", "cpus:1").toBuilder()
        .clearResources().addAllResources(total.toProto())).build());
    ManualMaster.Scheduler multi = master.scheduler(roles("eng/etl", "eng"));

    // The reservation first, to the first of the framework's clients under eng in DRF order: eng's own
    // frameworks before its sub-roles at equal shares (whatever the order of FrameworkInfo.roles); the
    // shared pool then to the client holding less, eng/etl.
    Offer reserved = forRole(multi, "eng");
    assertThat(PooledResources.fromProto(reserved.getResourcesList()))
        .isEqualTo(PooledResources.parse("cpus(eng):1;mem(eng):256"));
    assertThat(PooledResources.fromProto(forRole(multi, "eng/etl").getResourcesList()))
        .isEqualTo(PooledResources.parse("cpus:1;mem:256"));
    assertThat(multi.outstanding()).hasSize(2);
    master.advance(Duration.ofSeconds(1));
    assertThat(multi.outstanding()).as("nothing offered twice").hasSize(2);
    assertThat(held(multi)).isEqualTo(total);

    // Declined by eng (filtered there), the reservation goes to eng/etl, once.
    multi.decline(reserved, 3600);
    master.advance(Duration.ofSeconds(1));
    assertThat(multi.outstanding()).extracting(Offer::getAllocationRole).containsOnly("eng/etl");
    assertThat(held(multi)).isEqualTo(total);
    master.advance(Duration.ofSeconds(1));
    assertThat(held(multi)).isEqualTo(total);
    assertThat(multi.offers()).hasSize(3);
  }

  @Test
  void anUpdateTakingARoleOutOfSuppressionClearsItsFiltersAndKeepsTheOtherRolesFilters() {
    master.agent("cpus:2;mem:1024");
    master.agent("cpus:2;mem:1024");
    ManualMaster.Scheduler multi = master.scheduler(roles("a", "b", "c"));
    // Every role declines what it was offered, for an hour; then a is suppressed too.
    for (int i = 0; i < 3 && !multi.outstanding().isEmpty(); i++) {
      multi.outstanding().forEach(o -> multi.decline(o, 3600));
      master.advance(Duration.ofSeconds(1));
    }
    assertThat(multi.offers()).extracting(Offer::getAllocationRole).contains("a", "b");
    multi.call(SchedulerCall.newBuilder().setSuppress(SchedulerCall.Suppress.newBuilder().addRoles("a")));

    // As Mesos' UPDATE_FRAMEWORK: a role leaving suppression is revived (its filters cleared); a role
    // neither suppressed before nor now keeps its filters; a role now suppressed gets nothing.
    update(multi, roles("a", "b", "c"), "c");
    master.advance(Duration.ofSeconds(1));

    assertThat(errors(multi)).isEmpty();
    assertThat(multi.outstanding()).hasSize(2).extracting(Offer::getAllocationRole).containsOnly("a");
    assertThat(master.<java.util.Set<String>>query(v -> v.frameworkEntry(multi.id()).suppressedRoles()))
        .containsExactly("c");
  }

  @Test
  void aRefusedUpdateSaysWhyAndChangesNothing() {
    ManualMaster.Scheduler multi = master.scheduler(roles("a", "b"));

    update(multi, roles("a", "a"));
    update(multi, roles("b").toBuilder().setRole("x").build());
    update(multi, roles("b").toBuilder().setUser("mallory").build());
    update(multi, roles("b"), "a");

    assertThat(errors(multi)).containsExactly("roles names a twice", "set either role (one role) or roles (several), not both",
        "the user of a framework cannot change (it is ''); subscribe a new framework",
        "suppressed role a is not one of the framework's roles [b]");
    assertThat(master.<List<String>>query(v -> v.frameworkEntry(multi.id()).roles())).containsExactly("a", "b");
  }

  @Test
  void aFailoverWithOtherRolesKeepsTheTasksInTheirRoles() {
    master.agent("cpus:2;mem:1024");
    ManualMaster.Scheduler first = master.scheduler(roles("a").toBuilder().setFailoverTimeout(60).build());
    first.launch(forRole(first, "a"), ManualMaster.task("t", "cpus:1;mem:128"));
    first.hangUp();

    ManualMaster.Scheduler second = master.scheduler(roles("b").toBuilder().setId(first.id()).setFailoverTimeout(60)
        .build());

    assertThat(second.out.first(SchedulerEvent::hasSubscribed).getSubscribed().getRolesList()).containsExactly("b");
    assertThat(taskRole(first.id(), "t")).isEqualTo("a");
    assertThat(role("a").allocated()).isEqualTo(Resources.parse("cpus:1;mem:128"));
    assertThat(second.outstanding()).extracting(Offer::getAllocationRole).containsOnly("b");
  }

  @Test
  void aRoleLeftIsFreedWhenItsLastTaskEnds() {
    ManualMaster.Agent agent = master.agent("cpus:2;mem:1024");
    ManualMaster.Scheduler multi = master.scheduler(roles("a", "b"));
    multi.launch(forRole(multi, "a"), ManualMaster.task("t", "cpus:1;mem:128"));
    update(multi, roles("b"));

    assertThat(role("a").allocated()).isEqualTo(Resources.parse("cpus:1;mem:128"));

    agent.update(multi.id(), "t", TaskState.TASK_FINISHED);

    assertThat(master.query(MasterView::roles)).extracting(RoleSummary::name).doesNotContain("a");
    assertThat(master.<List<String>>query(v -> v.allocator().roles(multi.id()))).containsExactly("b");
  }

  @Test
  void aReRegisteringAgentReportsTheRoleOfEachTask() {
    ManualMaster fresh = new ManualMaster(MasterConfig.builder().allocationInterval(Duration.ofSeconds(1)).build())
        .recover(Map.of()).start();
    FrameworkInfo info = roles("a", "b").toBuilder().setId("F1").setFailoverTimeout(60).build();

    fresh.agent(AgentCall.Register.newBuilder().setAgentInfo(ManualMaster.agentInfo("A1", "cpus:4;mem:1024"))
        .addFrameworks(info)
        .addTasks(Task.newBuilder().setTaskId("t").setFrameworkId("F1").setAgentId("A1").setName("t")
            .setState(TaskState.TASK_RUNNING).setRole("b")
            .addAllResources(Resources.parse("cpus:1;mem:128").toProto()))
        .addTasks(Task.newBuilder().setTaskId("old").setFrameworkId("F1").setAgentId("A1").setName("old")
            .setState(TaskState.TASK_RUNNING).addAllResources(Resources.parse("cpus:1;mem:128").toProto()))
        .build());

    assertThat(fresh.<String>query(v -> v.frameworkEntry("F1").tasks().get("t").role())).isEqualTo("b");
    assertThat(fresh.<String>query(v -> v.frameworkEntry("F1").tasks().get("old").role())).isEqualTo("a"); // no role: the first
    assertThat(fresh.<Resources>query(v -> v.allocator().allocated("F1", "b"))).isEqualTo(Resources.parse("cpus:1;mem:128"));
    assertThat(fresh.<Resources>query(v -> v.allocator().allocated("F1", "a"))).isEqualTo(Resources.parse("cpus:1;mem:128"));
  }

  @Test
  void aFrameworkOfOneRoleIsAsBefore() {
    master.agent("cpus:2;mem:1024");
    ManualMaster.Scheduler one = master.scheduler(ManualMaster.framework("one").toBuilder().setRole("eng").build());

    assertThat(one.out.first(SchedulerEvent::hasSubscribed).getSubscribed().getRolesList()).containsExactly("eng");
    Offer o = one.outstanding().get(0);
    assertThat(o.getAllocationRole()).isEqualTo("eng");
    one.launch(o, ManualMaster.task("t", "cpus:1;mem:128"));
    assertThat(taskRole(one.id(), "t")).isEqualTo("eng");
    assertThat(one.statuses("t")).noneMatch(s -> s.getReason() == TaskStatusReason.REASON_TASK_INVALID);
  }
}
