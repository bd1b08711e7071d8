package io.corral.storm;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.storm.scheduler.INimbus;
import org.apache.storm.scheduler.IScheduler;
import org.apache.storm.scheduler.SupervisorDetails;
import org.apache.storm.scheduler.Topologies;
import org.apache.storm.scheduler.WorkerSlot;

/**
 * Nimbus's view of the cluster through Corral. Slots are those of the registered Supervisors
 * (the ports each reports), less those of Supervisors this Nimbus is retiring, draining for a
 * preemption notice, or whose Corral task ended; the scheduler is Storm's own, watched by {@link DemandScheduler} so that missing
 * slots become Supervisors launched from offers.
 */
public final class CorralINimbus implements INimbus {
  private final StormFramework framework;
  private final IScheduler scheduler;
  private final RoundWithheld round;

  /** @param round where the Supervisors withheld this round go for the scheduler ({@link DemandScheduler}) */
  CorralINimbus(StormFramework framework, IScheduler scheduler, RoundWithheld round) {
    this.framework = framework;
    this.scheduler = scheduler;
    this.round = round;
  }

  @Override
  public void prepare(Map<String, Object> topoConf, String schedulerLocalDir) {
    // The framework is started before Nimbus (CorralNimbus), so that a bad master fails fast.
  }

  @Override
  public Collection<WorkerSlot> allSlotsAvailableForScheduling(Collection<SupervisorDetails> existingSupervisors,
      Topologies topologies, Set<String> topologiesMissingAssignments) {
    SupervisorFleet.Withheld withheld = framework.withheld();
    round.set(withheld);
    List<WorkerSlot> slots = new ArrayList<>();
    for (SupervisorDetails sd : existingSupervisors) {
      if (withheld.all().contains(sd.getId()) || !(sd.getMeta() instanceof Collection<?> ports)) {
        continue;
      }
      for (Object p : ports) {
        slots.add(new WorkerSlot(sd.getId(), ((Number) p).intValue()));
      }
    }
    return slots;
  }

  @Override
  public void assignSlots(Topologies topologies, Map<String, Collection<WorkerSlot>> newSlotsByTopologyId) {
    // Supervisors already run where Storm assigned; they start the workers themselves.
  }

  @Override
  public String getHostName(Map<String, SupervisorDetails> existingSupervisors, String nodeId) {
    SupervisorDetails sd = existingSupervisors.get(nodeId);
    return sd == null ? null : sd.getHost();
  }

  @Override
  public IScheduler getForcedScheduler() {
    return scheduler;
  }
}
