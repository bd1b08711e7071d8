package io.corral.storm;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.storm.generated.WorkerResources;
import org.apache.storm.scheduler.Cluster;
import org.apache.storm.scheduler.SchedulerAssignment;
import org.apache.storm.scheduler.SupervisorDetails;
import org.apache.storm.scheduler.Topologies;
import org.apache.storm.scheduler.TopologyDetails;
import org.apache.storm.scheduler.WorkerSlot;
import org.apache.storm.scheduler.resource.normalization.NormalizedResourceOffer;

/**
 * Frees, before Storm's scheduler runs, the slots whose workers must move: every slot of a
 * Supervisor that is gone, and slots of draining Supervisors as far as free slots elsewhere can
 * take their workers. Storm's schedulers then place the freed executors in the same round; they
 * never move a worker on their own while its executors are alive, however its Supervisor's slots
 * are withheld (Nimbus keeps an executor alive for {@code nimbus.task.launch.secs} after it
 * started, else until {@code nimbus.task.timeout.secs} without a heartbeat).
 *
 * <p>A draining Supervisor's worker is freed only when a free slot is left for it after the
 * topologies already short of workers had theirs: Storm kills a worker as soon as its assignment
 * drops it, so a worker freed with nowhere to go would stop with nothing in its place. Under the
 * resource-aware scheduler its resources must also fit a Supervisor's free resources (a rough
 * check: shared off-heap memory is not counted).
 */
final class Drain {
  private Drain() {}

  /**
   * Frees the slots to move (see the class) in {@code cluster}, which Nimbus built for this round
   * from the committed assignments.
   *
   * @return the draining Supervisors that had no worker left before anything was freed: their
   *     workers' move is committed, and they may go
   */
  static Set<String> apply(Cluster cluster, Topologies topologies, SupervisorFleet.Withheld withheld,
      boolean resourceAware) {
    Map<String, List<WorkerSlot>> used = usedSlotsByNode(cluster);
    Set<String> drained = new HashSet<>();
    for (String id : withheld.draining().keySet()) {
      if (!used.containsKey(id)) {
        drained.add(id);
      }
    }
    for (String id : withheld.gone()) {
      cluster.freeSlots(used.getOrDefault(id, List.of()));
    }
    int headroom = freeSlots(cluster, withheld).size();
    for (TopologyDetails td : topologies.getTopologies()) {
      headroom -= Math.max(0, td.getNumWorkers() - cluster.getAssignedNumWorkers(td));
    }
    Map<String, Room> room = resourceAware ? room(cluster, withheld) : new HashMap<>();
    List<Map.Entry<String, Instant>> byDeadline = new ArrayList<>(withheld.draining().entrySet());
    byDeadline.sort(Map.Entry.comparingByValue(Comparator.naturalOrder()));
    for (Map.Entry<String, Instant> d : byDeadline) {
      for (WorkerSlot slot : used.getOrDefault(d.getKey(), List.of())) {
        if (headroom <= 0) {
          return drained;
        }
        if (resourceAware && !fitSomewhere(resources(cluster, slot), room)) {
          continue;
        }
        cluster.freeSlot(slot);
        headroom--;
      }
    }
    return drained;
  }

  private static Map<String, List<WorkerSlot>> usedSlotsByNode(Cluster cluster) {
    Map<String, List<WorkerSlot>> out = new HashMap<>();
    for (WorkerSlot slot : cluster.getUsedSlots()) {
      out.computeIfAbsent(slot.getNodeId(), k -> new ArrayList<>()).add(slot);
    }
    return out;
  }

  /** Free slots Storm may use (Nimbus was given no port of a withheld Supervisor; the check is cheap). */
  private static List<WorkerSlot> freeSlots(Cluster cluster, SupervisorFleet.Withheld withheld) {
    return cluster.getAvailableSlots().stream().filter(s -> !withheld.all().contains(s.getNodeId())).toList();
  }

  /** Free cpu (Storm's percent of a core) and memory (MiB) of a Supervisor. */
  private record Room(double cpu, double memMib) {
    boolean fits(double c, double m) {
      return cpu >= c && memMib >= m;
    }
  }

  /** Free resources of each Supervisor Storm may use that has a free slot. */
  private static Map<String, Room> room(Cluster cluster, SupervisorFleet.Withheld withheld) {
    Map<String, Room> out = new HashMap<>();
    for (SupervisorDetails sd : cluster.getSupervisors().values()) {
      if (!withheld.all().contains(sd.getId()) && !cluster.getAvailableSlots(sd).isEmpty()) {
        NormalizedResourceOffer r = cluster.getAvailableResources(sd);
        out.put(sd.getId(), new Room(r.getTotalCpu(), r.getTotalMemoryMb()));
      }
    }
    return out;
  }

  private static WorkerResources resources(Cluster cluster, WorkerSlot slot) {
    for (SchedulerAssignment a : cluster.getAssignments().values()) {
      WorkerResources r = a.getScheduledResources().get(slot);
      if (r != null) {
        return r;
      }
    }
    return new WorkerResources();
  }

  /** Takes the worker's cpu and memory from the first Supervisor they fit, if any. */
  private static boolean fitSomewhere(WorkerResources worker, Map<String, Room> room) {
    double cpu = worker.get_cpu();
    double mem = worker.get_mem_on_heap() + worker.get_mem_off_heap();
    for (Map.Entry<String, Room> r : room.entrySet()) {
      if (r.getValue().fits(cpu, mem)) {
        r.setValue(new Room(r.getValue().cpu() - cpu, r.getValue().memMib() - mem));
        return true;
      }
    }
    return false;
  }
}
