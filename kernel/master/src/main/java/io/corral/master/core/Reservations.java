package io.corral.master.core;

import io.corral.common.resources.InvalidResourcesException;
import io.corral.common.resources.PooledResources;
import io.corral.common.resources.Resources;
import io.corral.http.auth.Acls;
import io.corral.master.state.AgentEntry;
import io.corral.master.state.FrameworkEntry;
import io.corral.master.state.OfferEntry;
import io.corral.protocol.AgentEvent;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dynamic reservations: resources of a live agent set aside for a role, or given back to the shared
 * pool, by an operator or by a framework in its ACCEPT. The agent keeps them (it is sent the whole set each time) and reports them
 * whenever it registers, which is how they survive its restarts and a new leader learns them. Only
 * free resources change pools: outstanding offers of the agent are rescinded when that makes enough
 * free; otherwise nothing changes. Runs on the master's loop.
 */
final class Reservations {
  private static final Logger LOG = LoggerFactory.getLogger(Reservations.class);

  private final MasterState s;
  private final OfferManager offers;

  Reservations(MasterState s, OfferManager offers) {
    this.s = s;
    this.offers = offers;
  }

  /** Reserves {@code wanted} (each resource naming its role) of the agent's free unreserved resources. */
  OperatorResult reserve(String agentId, PooledResources wanted) {
    AgentEntry agent = s.agents.get(agentId);
    String problem = check(agent, agentId, wanted, "reserve");
    if (problem != null) {
      return agent == null ? OperatorResult.notFound(problem) : OperatorResult.conflict(problem);
    }
    if (!wanted.unreserved().isEmpty()) {
      return OperatorResult.invalid("every resource to reserve needs its role, as cpus(eng):1 ("
          + wanted.unreserved() + " names none)");
    }
    Resources free = s.allocator.view().free(agentId);
    Resources offered = offered(agent).unreserved();
    if (!free.plus(offered).contains(wanted.all())) {
      return OperatorResult.invalid("agent " + agentId + " cannot reserve " + wanted + ": it has "
          + shown(free.plus(offered)) + " unreserved and not in use (of " + shown(agent.resources().unreserved())
          + " unreserved); nothing was reserved");
    }
    return change(agent, agent.dynamicReservations().plus(wanted), !free.contains(wanted.all()),
        "reserved " + wanted + " on agent " + agentId);
  }

  /** Gives {@code wanted} (each resource naming its role) of the agent's free dynamic reservations back to the shared pool. */
  OperatorResult unreserve(String agentId, PooledResources wanted) {
    AgentEntry agent = s.agents.get(agentId);
    String problem = check(agent, agentId, wanted, "unreserve");
    if (problem != null) {
      return agent == null ? OperatorResult.notFound(problem) : OperatorResult.conflict(problem);
    }
    if (!wanted.unreserved().isEmpty()) {
      return OperatorResult.invalid("every resource to unreserve needs its role, as cpus(eng):1 ("
          + wanted.unreserved() + " names none)");
    }
    PooledResources dynamic = agent.dynamicReservations();
    for (Map.Entry<String, Resources> e : wanted.reserved().entrySet()) {
      String role = e.getKey();
      if (!dynamic.reserved(role).contains(e.getValue())) {
        boolean isStatic = agent.resources().reserved(role).contains(e.getValue());
        return OperatorResult.invalid("agent " + agentId + " cannot unreserve " + e.getValue() + " of role " + role
            + ": " + (isStatic ? "it is reserved statically (the agent's --resources); restart the agent with"
                + " other --resources to change that"
                : dynamic.reserved(role).isEmpty() ? "nothing is reserved to " + role + " dynamically"
                : "only " + dynamic.reserved(role) + " is reserved to " + role + " dynamically")
            + "; nothing was unreserved");
      }
    }
    PooledResources free = s.allocator.view().freePools(agentId).reservedOnly();
    PooledResources withOffers = free.plus(offered(agent).reservedOnly());
    if (!withOffers.contains(wanted)) {
      return OperatorResult.invalid("agent " + agentId + " cannot unreserve " + wanted + ": tasks use some of it"
          + " (not in use: " + shown(withOffers) + "); unreserve it when they end; nothing was unreserved");
    }
    return change(agent, dynamic.minus(wanted), !free.contains(wanted),
        "unreserved " + wanted + " on agent " + agentId + "; it is back in the shared pool");
  }

  /**
   * RESERVE and UNRESERVE in a framework's ACCEPT, on the resources of its offers for {@code role}
   * (already taken from the books, still allocated to it): it reserves for that role; what it reserves
   * or unreserves stays allocated to it in that role, in its new pool.
   *
   * @param offered what the accepted offers hold
   * @return what they hold after the operations
   * @throws IllegalArgumentException with the reason, when an operation is not allowed (nothing changed)
   */
  PooledResources inAccept(FrameworkEntry fw, String role, AgentEntry agent, PooledResources offered,
      PooledResources reserve, PooledResources unreserve) {
    if (reserve.isEmpty() && unreserve.isEmpty()) {
      return offered;
    }
    if (!reserve.unreserved().isEmpty() || !unreserve.unreserved().isEmpty()) {
      throw new IllegalArgumentException("every resource to reserve or unreserve needs its role in `reservation`");
    }
    for (String r : reserve.reserved().keySet()) {
      if (!r.equals(role)) {
        throw new IllegalArgumentException("framework " + fw.id() + " cannot reserve for role " + r
            + " on offers for role " + role + ": a framework reserves for the role of its offers");
      }
      authorize(fw, Acls.Action.RESERVE_RESOURCES, r);
    }
    for (String r : unreserve.reserved().keySet()) {
      authorize(fw, Acls.Action.UNRESERVE_RESOURCES, r);
    }
    if (!offered.unreserved().contains(reserve.all())) {
      throw new IllegalArgumentException("cannot reserve " + reserve + ": the offers hold " + shown(offered.unreserved())
          + " unreserved");
    }
    PooledResources dynamic = agent.dynamicReservations();
    if (!offered.contains(unreserve) || !dynamic.contains(unreserve)) {
      throw new IllegalArgumentException("cannot unreserve " + unreserve + ": the offers hold " + shown(
          offered.reservedOnly()) + " reserved, of which " + shown(dynamic) + " dynamically");
    }
    PooledResources from = PooledResources.of(reserve.all()).plus(unreserve);
    PooledResources to = reserve.plus(PooledResources.of(unreserve.all()));
    s.allocator.recover(fw.id(), role, agent.id(), from, java.time.Duration.ZERO, s.now());
    OperatorResult r = change(agent, dynamic.plus(reserve).minus(unreserve), false,
        "framework " + fw.id() + (reserve.isEmpty() ? "" : " reserved " + reserve)
            + (unreserve.isEmpty() ? "" : " unreserved " + unreserve) + " on agent " + agent.id());
    if (r.outcome() != OperatorResult.Outcome.DONE) {
      s.allocator.addAllocation(fw.id(), role, agent.id(), from); // as it was
      throw new IllegalArgumentException(r.message());
    }
    s.allocator.addAllocation(fw.id(), role, agent.id(), to);
    return offered.minus(from).plus(to);
  }

  private void authorize(FrameworkEntry fw, Acls.Action action, String role) {
    s.authorizer.check(action, fw.info().getPrincipal(), role, "ACCEPT of framework " + fw.id())
        .ifPresent(why -> {
          throw new IllegalArgumentException(why);
        });
  }

  private String check(AgentEntry agent, String agentId, PooledResources wanted, String what) {
    if (agent == null) {
      return "no agent " + agentId;
    }
    if (!agent.isConnected()) {
      return "agent " + agentId + " is not connected; " + what + " when it is (it keeps its reservations itself)";
    }
    if (wanted.isEmpty()) {
      return "nothing to " + what;
    }
    return null;
  }

  /** Sets the agent's dynamic reservations, rescinding its offers first if asked, and tells the agent. */
  private OperatorResult change(AgentEntry agent, PooledResources dynamic, boolean rescind, String done) {
    PooledResources before = agent.dynamicReservations();
    try {
      AgentEntry.pools(agent.info().toBuilder().clearDynamicReservations()
          .addAllDynamicReservations(dynamic.toProto()).build());
    } catch (InvalidResourcesException e) {
      return OperatorResult.invalid(e.getMessage() + "; nothing changed");
    }
    if (rescind) {
      offers.rescindAllOfAgent(agent);
    }
    agent.dynamicReservations(dynamic);
    s.allocator.updateAgentTotal(agent.id(), agent.resources());
    agent.send(AgentEvent.newBuilder().setUpdateReservations(
        AgentEvent.UpdateReservations.newBuilder().addAllDynamicReservations(dynamic.toProto())).build());
    offers.requestAllocation();
    LOG.info("{} (dynamic reservations were '{}', now '{}')", done, before, dynamic);
    return OperatorResult.done(done);
  }

  /** What the agent's outstanding offers hold, pool by pool. */
  private PooledResources offered(AgentEntry agent) {
    PooledResources sum = PooledResources.EMPTY;
    for (String id : agent.offerIds()) {
      OfferEntry o = s.offers.get(id);
      if (o != null) {
        sum = sum.plus(o.resources());
      }
    }
    return sum;
  }

  private static String shown(Object r) {
    String text = r.toString();
    return text.isEmpty() ? "nothing" : text;
  }
}
