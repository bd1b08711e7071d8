package io.corral.master.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.corral.common.resources.PooledResources;
import io.corral.master.MasterConfig;
import io.corral.protocol.AgentCall;
import io.corral.protocol.AgentEvent;
import io.corral.protocol.AgentInfo;
import io.corral.protocol.Offer;
import io.corral.protocol.SchedulerCall;
import io.corral.protocol.SchedulerEvent;
import io.corral.protocol.TaskInfo;
import io.corral.protocol.TaskState;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Static and dynamic reservations on a running master, on its loop with a manual clock. */
class ReservationsTest {
  private final ManualMaster master = new ManualMaster(MasterConfig.builder()
      .allocationInterval(Duration.ofSeconds(1)).build()).recover(Map.of()).start();

  private static PooledResources pools(String spec) {
    return PooledResources.parse(spec);
  }

  private static PooledResources pools(Offer o) {
    return PooledResources.fromProto(o.getResourcesList());
  }

  private ManualMaster.Agent agent(String spec) {
    return master.agent(AgentCall.Register.newBuilder().setAgentInfo(AgentInfo.newBuilder().setHostname("host")
        .setPort(5051).addAllResources(pools(spec).toProto())).build());
  }

  private ManualMaster.Scheduler scheduler(String role) {
    return master.scheduler(ManualMaster.framework(role).toBuilder().setRole(role).build());
  }

  private OperatorResult reserve(String agentId, String spec) {
    return master.settled(() -> master.core.reserve(agentId, pools(spec)));
  }

  private OperatorResult unreserve(String agentId, String spec) {
    return master.settled(() -> master.core.unreserve(agentId, pools(spec)));
  }

  @Test
  void anOperatorsReservationTakesFreeResourcesForItsRoleAndTheAgentKeepsIt() {
    ManualMaster.Scheduler web = scheduler("web");
    ManualMaster.Agent agent = agent("cpus:4;mem:1024");
    Offer all = web.outstanding().get(0);

    OperatorResult r = reserve(agent.id(), "cpus(eng):2;mem(eng):512");

    assertThat(r.outcome()).as(r.message()).isEqualTo(OperatorResult.Outcome.DONE);
    assertThat(web.rescinded()).containsExactly(all.getId()); // it held everything
    assertThat(agent.out.all(AgentEvent::hasUpdateReservations)).singleElement().satisfies(e -> assertThat(
        PooledResources.fromProto(e.getUpdateReservations().getDynamicReservationsList()))
        .isEqualTo(pools("cpus(eng):2;mem(eng):512")));
    master.advance(Duration.ofSeconds(1));
    assertThat(web.outstanding()).singleElement().satisfies(o -> assertThat(pools(o)).isEqualTo(pools("cpus:2;mem:512")));

    ManualMaster.Scheduler eng = scheduler("eng/etl");
    master.advance(Duration.ofSeconds(1));
    assertThat(eng.outstanding()).singleElement()
        .satisfies(o -> assertThat(pools(o)).isEqualTo(pools("cpus(eng):2;mem(eng):512")));
  }

  @Test
  void refusedReservationsSayWhyAndChangeNothing() {
    ManualMaster.Agent agent = agent("cpus(eng):1;cpus:2;mem:1024");
    ManualMaster.Scheduler eng = scheduler("eng");
    Offer offer = eng.outstanding().get(0);
    eng.launch(offer, ManualMaster.task("t", "cpus:1.5;mem:64"));

    assertThat(reserve(agent.id(), "cpus(web):2")).satisfies(r -> {
      assertThat(r.outcome()).isEqualTo(OperatorResult.Outcome.INVALID);
      assertThat(r.message()).contains("cannot reserve cpus(web):2").contains("cpus:1.5");
    });
    assertThat(unreserve(agent.id(), "cpus(eng):1").message()).contains("reserved statically");
    assertThat(unreserve(agent.id(), "cpus(web):1").message()).contains("nothing is reserved to web dynamically");
    assertThat(reserve(agent.id(), "cpus:1").message()).contains("needs its role");
    assertThat(reserve("nobody", "cpus(eng):1").outcome()).isEqualTo(OperatorResult.Outcome.NOT_FOUND);
    assertThat(agent.out.all(AgentEvent::hasUpdateReservations)).isEmpty();

    assertThat(reserve(agent.id(), "cpus(eng):0.5;mem(eng):64").outcome()).isEqualTo(OperatorResult.Outcome.DONE);
    // A task of eng uses the reservations first: the dynamic one is in use now. (The rest of the first
    // offer was declined with the default filter of 5 s.)
    master.advance(Duration.ofSeconds(6));
    Offer next = eng.outstanding().get(0);
    eng.launch(next, ManualMaster.task("u", "cpus:0.5;mem:64"));
    assertThat(unreserve(agent.id(), "cpus(eng):0.5;mem(eng):64").message()).contains("tasks use some of it");
  }

  @Test
  void aTaskTakesItsRolesReservationsFirstAndTheAgentIsToldWhichPoolsItUses() {
    ManualMaster.Agent agent = agent("cpus(eng):1;mem(eng):128;cpus:4;mem:1024");
    ManualMaster.Scheduler eng = scheduler("eng");
    Offer offer = eng.outstanding().get(0);
    assertThat(pools(offer)).isEqualTo(pools("cpus(eng):1;mem(eng):128;cpus:4;mem:1024"));

    eng.launch(offer, ManualMaster.task("t", "cpus:2;mem:64"));

    TaskInfo sent = agent.out.first(AgentEvent::hasRunTasks).getRunTasks().getTasks(0);
    assertThat(PooledResources.fromProto(sent.getResourcesList())).isEqualTo(pools("cpus(eng):1;mem(eng):64;cpus:1"));
    agent.update(eng.id(), "t", TaskState.TASK_FINISHED);
    master.advance(Duration.ofSeconds(1));
    assertThat(eng.outstanding()).extracting(ReservationsTest::pools)
        .contains(pools("cpus(eng):1;mem(eng):128;cpus:4;mem:1024"));
  }

  @Test
  void aFrameworkReservesInItsAcceptAndItsTasksUseTheReservation() {
    ManualMaster.Agent agent = agent("cpus:4;mem:1024");
    ManualMaster.Scheduler eng = scheduler("eng");
    Offer offer = eng.outstanding().get(0);

    eng.call(SchedulerCall.newBuilder().setAccept(SchedulerCall.Accept.newBuilder().addOfferIds(offer.getId())
        .addAllReserve(pools("cpus(eng):1;mem(eng):256").toProto())
        .addTasks(ManualMaster.task("t", "cpus:1;mem:256"))));

    assertThat(agent.out.all(AgentEvent::hasUpdateReservations)).singleElement().satisfies(e -> assertThat(
        PooledResources.fromProto(e.getUpdateReservations().getDynamicReservationsList()))
        .isEqualTo(pools("cpus(eng):1;mem(eng):256")));
    TaskInfo sent = agent.out.first(AgentEvent::hasRunTasks).getRunTasks().getTasks(0);
    assertThat(PooledResources.fromProto(sent.getResourcesList())).isEqualTo(pools("cpus(eng):1;mem(eng):256"));

    // Reserving for another role is refused; the tasks go on with the offers as they were.
    master.advance(Duration.ofSeconds(6));
    Offer next = eng.offers().get(eng.offers().size() - 1);
    eng.call(SchedulerCall.newBuilder().setAccept(SchedulerCall.Accept.newBuilder().addOfferIds(next.getId())
        .addAllReserve(pools("cpus(web):1").toProto())));
    assertThat(eng.out.all(SchedulerEvent::hasError)).singleElement()
        .satisfies(e -> assertThat(e.getError().getMessage()).contains("cannot reserve for role web"));
    assertThat(agent.out.all(AgentEvent::hasUpdateReservations)).hasSize(1);
  }

  @Test
  void aReRegisteringAgentBringsItsDynamicReservations() {
    ManualMaster.Agent first = agent("cpus:4;mem:1024");
    String id = first.id();
    first.hangUp();
    ManualMaster.Agent back = master.agent(AgentCall.Register.newBuilder().setAgentInfo(AgentInfo.newBuilder()
        .setId(id).setHostname("host").setPort(5051).addAllResources(pools("cpus:4;mem:1024").toProto())
        .addAllDynamicReservations(pools("cpus(eng):1").toProto())).build());
    assertThat(back.id()).isEqualTo(id);

    ManualMaster.Scheduler eng = scheduler("eng");
    ManualMaster.Scheduler web = scheduler("web");
    master.advance(Duration.ofSeconds(1));
    assertThat(web.offers()).allSatisfy(o -> assertThat(pools(o).reserved()).isEmpty());
    assertThat(eng.offers()).anySatisfy(o -> assertThat(pools(o).reserved("eng").cpus()).isEqualTo(1.0));
  }
}
