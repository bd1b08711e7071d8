package io.corral.master.core;

import io.corral.common.resources.PooledResources;
import io.corral.master.allocator.Allocation;
import io.corral.master.state.AgentEntry;
import io.corral.master.state.ExecutorKey;
import io.corral.master.state.FrameworkEntry;
import io.corral.master.state.OfferEntry;
import io.corral.protocol.Filters;
import io.corral.protocol.Offer;
import io.corral.protocol.SchedulerEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the allocator's decisions into offers, and offers back into free resources when
 * they are declined, rescinded, time out or are partly used.
 */
final class OfferManager {
  private static final Logger LOG = LoggerFactory.getLogger(OfferManager.class);
  /** Mesos caps refuse_seconds at a year. */
  private static final Duration MAX_REFUSE = Duration.ofDays(365);

  private final MasterState s;
  private boolean allocationQueued;

  OfferManager(MasterState state) {
    this.s = state;
  }

  /** Runs an allocation of the agents whose resources changed, once the queued events are done. */
  void requestAllocation() {
    if (allocationQueued) {
      return;
    }
    allocationQueued = true;
    s.loop.execute(
        () -> {
          allocationQueued = false;
          runAllocation(false);
        });
  }

  /** The periodic full cycle. */
  void allocateAll() {
    runAllocation(true);
  }

  private void runAllocation(boolean all) {
    if (!s.mayAct()) {
      return; // suspended from ZooKeeper, or the leadership lease is in doubt: no offers
    }
    Instant now = s.now();
    long cpu0 = MasterMetrics.threadCpuNanos();
    long t0 = System.nanoTime();
    List<Allocation> allocations = all ? s.allocator.allocateAll(now) : s.allocator.allocate(now);
    long t1 = System.nanoTime();
    if (!allocations.isEmpty()) {
      makeOffers(allocations, now);
    }
    long t2 = System.nanoTime();
    long cpu = cpu0 < 0 ? -1 : MasterMetrics.threadCpuNanos() - cpu0;
    s.metrics.allocationTook(all, t1 - t0, t2 - t0, cpu, allocations.size());
  }

  private void makeOffers(List<Allocation> allocations, Instant now) {
    Map<FrameworkEntry, List<Offer>> byFramework = new HashMap<>();
    Instant expiresAt = now.plus(s.config.offerTimeout());
    for (Allocation a : allocations) {
      FrameworkEntry fw = s.frameworks.get(a.frameworkId());
      AgentEntry agent = s.agents.get(a.agentId());
      if (fw == null || agent == null || !fw.isConnected() || !agent.isConnected()) {
        // The stream closed a moment ago and the loop has not heard yet: give it back.
        LOG.debug("allocation of {} of agent {} to {} is not offerable (disconnected); returned",
            a.resources(), a.agentId(), a.frameworkId());
        s.allocator.recover(a.frameworkId(), a.role(), a.agentId(), a.resources(), Duration.ZERO, now);
        continue;
      }
      OfferEntry offer =
          new OfferEntry(s.ids.nextOfferId(), fw.id(), a.role(), agent.id(), a.resources(), expiresAt);
      s.offers.put(offer.id(), offer);
      fw.offerIds().add(offer.id());
      agent.offerIds().add(offer.id());
      Offer.Builder proto =
          Offer.newBuilder()
              .setId(offer.id())
              .setFrameworkId(fw.id())
              .setAgentId(agent.id())
              .setHostname(agent.hostname())
              .setAllocationRole(a.role())
              .addAllResources(a.resources().toProto())
              .addAllAttributes(agent.info().getAttributesList());
      for (ExecutorKey ek : agent.executors().keySet()) {
        if (ek.frameworkId().equals(fw.id())) {
          proto.addExecutorIds(ek.executorId());
        }
      }
      byFramework.computeIfAbsent(fw, f -> new ArrayList<>()).add(proto.build());
    }
    int batch = Math.max(1, s.config.offerBatchSize());
    byFramework.forEach(
        (fw, offers) -> {
          for (int i = 0; i < offers.size(); i += batch) {
            List<Offer> chunk = offers.subList(i, Math.min(offers.size(), i + batch));
            fw.send(
                SchedulerEvent.newBuilder()
                    .setOffers(SchedulerEvent.Offers.newBuilder().addAllOffers(chunk))
                    .build());
          }
          s.metrics.offersSent.addAndGet(offers.size());
        });
  }

  /** Removes an outstanding offer from the books without returning its resources. */
  OfferEntry take(String offerId) {
    OfferEntry offer = s.offers.remove(offerId);
    if (offer != null) {
      FrameworkEntry fw = s.frameworks.get(offer.frameworkId());
      if (fw != null) {
        fw.offerIds().remove(offerId);
      }
      AgentEntry agent = s.agents.get(offer.agentId());
      if (agent != null) {
        agent.offerIds().remove(offerId);
      }
    }
    return offer;
  }

  /**
   * Gives resources a framework holds in {@code role} (an offer, what a launch left of it, what a
   * task or executor of that role held) back to the allocator.
   */
  void recover(String frameworkId, String role, String agentId, PooledResources resources, Duration refuse) {
    if (!resources.isEmpty()) {
      s.allocator.recover(frameworkId, role, agentId, resources, refuse, s.now());
      requestAllocation();
    }
  }

  void decline(FrameworkEntry fw, List<String> offerIds, Filters filters) {
    Duration refuse = refuseDuration(filters);
    List<String> unknown = new ArrayList<>();
    for (String id : offerIds) {
      OfferEntry offer = s.offers.get(id);
      if (offer == null || !offer.frameworkId().equals(fw.id())) {
        unknown.add(id);
        continue;
      }
      take(id);
      recover(fw.id(), offer.role(), offer.agentId(), offer.resources(), refuse);
      s.metrics.offersDeclined.incrementAndGet();
    }
    if (!unknown.isEmpty()) {
      // Declining an offer that was rescinded meanwhile is normal; nothing leaks.
      LOG.debug("framework {} declined unknown or rescinded offers {}", fw.id(), unknown);
    }
  }

  /**
   * Withdraws offers: their resources return to the pool (filtered for a while if asked). With
   * {@code notify}, each framework is told in one RESCIND event naming all of its offers.
   */
  private void rescind(List<OfferEntry> toRescind, boolean notify, Duration filter) {
    Map<String, SchedulerEvent.Rescind.Builder> byFramework = new LinkedHashMap<>();
    for (OfferEntry offer : toRescind) {
      take(offer.id());
      if (notify) {
        byFramework.computeIfAbsent(offer.frameworkId(), f -> SchedulerEvent.Rescind.newBuilder())
            .addOfferIds(offer.id());
      }
      s.metrics.offersRescinded.incrementAndGet();
      if (s.agents.containsKey(offer.agentId())) {
        recover(offer.frameworkId(), offer.role(), offer.agentId(), offer.resources(), filter);
      }
    }
    byFramework.forEach(
        (frameworkId, rescind) -> {
          FrameworkEntry fw = s.frameworks.get(frameworkId);
          if (fw != null) {
            fw.send(SchedulerEvent.newBuilder().setRescind(rescind).build());
          }
        });
  }

  void rescindAllOfAgent(AgentEntry agent) {
    rescind(outstanding(agent.offerIds()), true, Duration.ZERO);
  }

  void rescindAllOfFramework(FrameworkEntry fw, boolean notify) {
    rescind(outstanding(fw.offerIds()), notify, Duration.ZERO);
  }

  /** Withdraws the framework's offers for the given roles (it left them). */
  void rescindOfRoles(FrameworkEntry fw, java.util.Set<String> roles, boolean notify) {
    List<OfferEntry> ofRoles = new ArrayList<>();
    for (OfferEntry o : outstanding(fw.offerIds())) {
      if (roles.contains(o.role())) {
        ofRoles.add(o);
      }
    }
    rescind(ofRoles, notify, Duration.ZERO);
  }

  /** Withdraws the given offers, telling their frameworks. */
  void rescindOffers(List<OfferEntry> toRescind) {
    rescind(toRescind, true, Duration.ZERO);
  }

  /** Takes back every outstanding offer (a leader in doubt must not have its offers used). */
  void rescindAll() {
    rescind(outstanding(List.copyOf(s.offers.keySet())), true, Duration.ZERO);
  }

  private List<OfferEntry> outstanding(Collection<String> offerIds) {
    List<OfferEntry> out = new ArrayList<>(offerIds.size());
    for (String id : offerIds) {
      OfferEntry offer = s.offers.get(id);
      if (offer != null) {
        out.add(offer);
      }
    }
    return out;
  }

  /** Rescinds offers held past the offer timeout; the holder is filtered from them briefly. */
  void expireOffers() {
    Instant now = s.now();
    List<OfferEntry> expired = new ArrayList<>();
    Map<String, Integer> perFramework = new LinkedHashMap<>();
    for (OfferEntry o : s.offers.values()) {
      if (!o.expiresAt().isAfter(now)) {
        expired.add(o);
        perFramework.merge(o.frameworkId(), 1, Integer::sum);
        LOG.debug("offer {} of agent {} to framework {} is past the offer timeout", o.id(), o.agentId(),
            o.frameworkId());
      }
    }
    perFramework.forEach((fw, n) -> LOG.info("rescinding {} offer(s) that framework {} held past the {} offer timeout",
        n, fw, s.config.offerTimeout()));
    rescind(expired, true, s.config.offerTimeoutFilter());
  }

  Duration refuseDuration(Filters filters) {
    if (filters == null || !filters.hasRefuseSeconds()) {
      return s.config.defaultRefuse();
    }
    double secs = filters.getRefuseSeconds();
    if (Double.isNaN(secs) || secs < 0) {
      return s.config.defaultRefuse();
    }
    if (Double.isInfinite(secs) || secs > MAX_REFUSE.getSeconds()) {
      return MAX_REFUSE;
    }
    return Duration.ofNanos((long) (secs * 1e9));
  }
}
