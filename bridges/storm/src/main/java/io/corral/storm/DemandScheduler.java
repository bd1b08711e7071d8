package io.corral.storm;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.storm.metric.StormMetricsRegistry;
import org.apache.storm.scheduler.Cluster;
import org.apache.storm.scheduler.IScheduler;
import org.apache.storm.scheduler.SchedulerAssignment;
import org.apache.storm.scheduler.SupervisorDetails;
import org.apache.storm.scheduler.TopologyDetails;
import org.apache.storm.scheduler.WorkerSlot;
import org.apache.storm.scheduler.resource.ResourceAwareScheduler;

/**
 * Storm's own scheduler ({@code storm.scheduler}, else {@code DefaultScheduler}), after
 * {@link Drain} freed the slots whose workers must move (of Supervisors gone or drained for a
 * preemption notice), and followed by a
 * look at what it could not do: after each round, the workers topologies still miss (asked for
 * by {@code topology.workers}, not placed for want of slots, or placed on a Supervisor that is
 * gone) and how busy each Supervisor is go
 * to the Corral framework, which launches Supervisors for the missing slots and retires idle ones.
 * The assignments are Storm's, but for the slots Drain freed.
 */
final class DemandScheduler implements IScheduler {
  private final IScheduler storms;
  private final Consumer<SupervisorFleet.Observation> sink;
  private final Map<String, Object> nimbusConf;
  private final RoundWithheld round;

  /** @param round the Supervisors withheld this round ({@link CorralINimbus} took them) */
  DemandScheduler(IScheduler storms, Map<String, Object> nimbusConf, RoundWithheld round,
      Consumer<SupervisorFleet.Observation> sink) {
    this.storms = storms;
    this.nimbusConf = nimbusConf;
    this.round = round;
    this.sink = sink;
  }

  /** The scheduler Nimbus would have used: {@code storm.scheduler}, else Storm's default. */
  static IScheduler configured(Map<String, Object> conf) {
    String name = StormSettings.string(conf, "storm.scheduler", "");
    if (name.isEmpty()) {
      return new org.apache.storm.scheduler.DefaultScheduler();
    }
    return org.apache.storm.utils.ReflectionUtils.newInstance(name);
  }

  @Override
  public void prepare(Map<String, Object> conf, StormMetricsRegistry metricsRegistry) {
    storms.prepare(conf, metricsRegistry);
  }

  @Override
  public void schedule(org.apache.storm.scheduler.Topologies topologies, Cluster cluster) {
    boolean resourceAware = storms instanceof ResourceAwareScheduler;
    Set<String> drained = Drain.apply(cluster, topologies, round.get(), resourceAware);
    storms.schedule(topologies, cluster);
    sink.accept(observe(topologies, cluster, drained, resourceAware));
  }

  SupervisorFleet.Observation observe(org.apache.storm.scheduler.Topologies topologies, Cluster cluster,
      Set<String> drained, boolean resourceAware) {
    int missing = 0;
    WorkerSize size = null;
    for (TopologyDetails td : topologies.getTopologies()) {
      int shortOf = td.getNumWorkers() - usableWorkers(td, cluster);
      if (shortOf > 0) {
        missing += shortOf;
        Map<String, Object> conf = new HashMap<>(nimbusConf);
        conf.putAll(td.getConf());
        WorkerSize s = WorkerSize.of(td.getExecutors().size(), td.getNumWorkers(), td.getTotalRequestedMemOnHeap(),
            td.getTotalRequestedMemOffHeap(), td.getTotalRequestedCpu(), conf, resourceAware);
        size = size == null ? s : size.max(s);
      }
    }
    Map<String, Integer> used = new HashMap<>();
    for (SupervisorDetails sd : cluster.getSupervisors().values()) {
      used.put(sd.getId(), cluster.getUsedPorts(sd).size());
    }
    return new SupervisorFleet.Observation(missing, cluster.getAvailableSlots().size(), size, used, drained);
  }

  /**
   * Workers of the topology on slots Storm may still use. A worker on a Supervisor that is
   * draining, retiring or whose task ended counts as missing at once: its slot was taken out of
   * the Supervisor's ports, but Storm keeps the assignment while the worker's executors are alive
   * (or until {@link Drain} frees it), and lists the Supervisor until its ZooKeeper node goes.
   */
  static int usableWorkers(TopologyDetails td, Cluster cluster) {
    SchedulerAssignment a = cluster.getAssignmentById(td.getId());
    if (a == null) {
      return 0;
    }
    int n = 0;
    for (WorkerSlot slot : a.getSlots()) {
      SupervisorDetails sd = cluster.getSupervisorById(slot.getNodeId());
      if (sd != null && sd.getAllPorts().contains(slot.getPort())) {
        n++;
      }
    }
    return n;
  }

  @Override
  public Map config() {
    return storms.config();
  }

  @Override
  public void cleanup() {
    storms.cleanup();
  }

  @Override
  public void nodeAssignmentSent(String node, boolean successful) {
    storms.nodeAssignmentSent(node, successful);
  }
}
