package io.corral.hadoop.am;

import io.corral.common.resources.Resources;
import io.corral.hadoop.common.CorralMr;
import io.corral.scheduler.LargestAgent;
import org.apache.hadoop.mapreduce.MRJobConfig;
import org.apache.hadoop.mapreduce.v2.api.records.TaskType;
import org.apache.hadoop.yarn.api.records.Resource;

/**
 * What a container of the job takes on an agent, and whether any agent could ever hold one. As
 * YARN's allocator kills a job whose map or reduce request exceeds the cluster's maximum
 * container capability, a request that no agent could hold together with the TaskTracker
 * executor an agent needs first ends the job at once, naming what the largest agent has and the
 * settings that size the request, instead of waiting for offers that never come.
 */
final class ContainerLimit {
  private ContainerLimit() {}

  /** A container's Corral resources: its memory, and its vcores but at least 1 cpu. */
  static Resources of(Resource capability) {
    return Resources.builder().cpus(Math.max(1, capability.getVirtualCores())).mem(capability.getMemorySize())
        .build();
  }

  /**
   * Why no agent could ever run a container of {@code type} with {@code capability} beside an
   * {@code executor}, or null when one might (or nothing is known of the agents yet).
   */
  static String beyondLargestAgent(TaskType type, Resource capability, Resources executor, LargestAgent largest) {
    Resources need = of(capability);
    if (largest.mayFit(need.plus(executor))) {
      return null;
    }
    boolean map = type == TaskType.MAP;
    return (map ? "a map" : "a reduce") + " container needs " + need + " and its agent's TaskTracker executor "
        + executor + ", more than any agent of the cluster has (the largest agent has " + largest + "): lower "
        + (map ? MRJobConfig.MAP_MEMORY_MB : MRJobConfig.REDUCE_MEMORY_MB) + " / "
        + (map ? MRJobConfig.MAP_CPU_VCORES : MRJobConfig.REDUCE_CPU_VCORES)
        + " (each container takes at least 1 cpu) or " + CorralMr.TASKTRACKER_MEMORY_MB + ". Killing the job.";
  }
}
