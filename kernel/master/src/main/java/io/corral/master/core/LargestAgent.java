package io.corral.master.core;

import io.corral.common.resources.Resources;
import io.corral.master.state.AgentEntry;
import io.corral.master.state.FrameworkEntry;
import io.corral.protocol.SchedulerEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the schedulers are told of the cluster's size ({@code SchedulerEvent.LargestAgent}): per
 * resource, the most any one registered agent has in total, so that a framework fails a request
 * no agent could ever fit instead of waiting for an offer that never comes (as YARN refuses a
 * request above the scheduler's maximum allocation). Keeps {@link MasterState#largestAgent}: every
 * subscription gets it, and a change goes to every subscribed framework.
 *
 * <p>Unknown (empty) while no agent is registered, and while a newly elected master still expects
 * agents of its registry back: one small agent back first must not make frameworks give up
 * requests the others fit. Loop-owned.
 */
final class LargestAgent {
  private static final Logger LOG = LoggerFactory.getLogger(LargestAgent.class);

  private final MasterState s;

  LargestAgent(MasterState state) {
    this.s = state;
  }

  /**
   * Recomputes after agents came, changed or went; {@code settled} is false while agents of the
   * registry are still expected back (then it is unknown). Tells the frameworks if it changed.
   */
  void refresh(boolean settled) {
    Resources now = Resources.EMPTY;
    if (settled) {
      for (AgentEntry agent : s.agents.values()) {
        now = now.max(agent.total());
      }
    }
    if (now.equals(s.largestAgent)) {
      return;
    }
    s.largestAgent = now;
    LOG.info("largest agent: {}", now.isEmpty() ? "unknown" : now);
    SchedulerEvent event = SchedulerEvent.newBuilder()
        .setLargestAgent(SchedulerEvent.LargestAgent.newBuilder().addAllResources(now.toProto())).build();
    for (FrameworkEntry fw : s.frameworks.values()) {
      if (fw.isConnected()) {
        fw.send(event);
      }
    }
  }
}
