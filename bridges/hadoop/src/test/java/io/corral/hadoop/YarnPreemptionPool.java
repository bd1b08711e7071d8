package io.corral.hadoop;

import io.corral.common.resources.Resources;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.mapreduce.v2.MiniMRYarnCluster;
import org.apache.hadoop.metrics2.lib.DefaultMetricsSystem;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.apache.hadoop.yarn.server.resourcemanager.monitor.capacity.ProportionalCapacityPreemptionPolicy;
import org.apache.hadoop.yarn.server.resourcemanager.rmapp.RMApp;
import org.apache.hadoop.yarn.server.resourcemanager.scheduler.QueueMetrics;
import org.apache.hadoop.yarn.server.resourcemanager.scheduler.capacity.CSQueue;
import org.apache.hadoop.yarn.server.resourcemanager.scheduler.capacity.CapacityScheduler;
import org.apache.hadoop.yarn.server.resourcemanager.scheduler.capacity.CapacitySchedulerConfiguration;

/**
 * The YARN side of {@link HadoopPreemptionBenchmark}: a {@code MiniMRYarnCluster} (ResourceManager
 * with the CapacityScheduler, N NodeManagers, a JobHistoryServer) in this JVM, whose queues each
 * have an equal share of the pool as capacity, with the scheduler monitor on
 * ({@code ProportionalCapacityPreemptionPolicy}) and the given {@code max_wait_before_kill}; every
 * other scheduler and preemption setting at its default. A queue's usage is the scheduler's own account of it.
 */
final class YarnPreemptionPool implements PreemptionPool {
  private final MiniMRYarnCluster yarn;
  private final CapacityScheduler scheduler;
  private final List<String> clientOptions;

  private YarnPreemptionPool(MiniMRYarnCluster yarn, List<String> clientOptions) {
    this.yarn = yarn;
    this.scheduler = (CapacityScheduler) yarn.getResourceManager().getResourceScheduler();
    this.clientOptions = clientOptions;
  }

  /** The settings of the pool: NodeManagers as large as Corral's agents, the queues, preemption on. */
  private static Configuration configuration(Resources node, Duration grace, List<String> queues, String fs) {
    Configuration y = new YarnConfiguration();
    y.set("fs.defaultFS", fs);
    y.set("yarn.app.mapreduce.am.staging-dir", "/staging");
    y.setInt(YarnConfiguration.NM_PMEM_MB, (int) node.mem());
    y.setInt(YarnConfiguration.YARN_MINICLUSTER_NM_PMEM_MB, (int) node.mem()); // what MiniYARNCluster uses
    y.setInt(YarnConfiguration.NM_VCORES, (int) node.cpus());
    y.setBoolean(YarnConfiguration.NM_VMEM_CHECK_ENABLED, false);
    y.setBoolean(YarnConfiguration.NM_PMEM_CHECK_ENABLED, false);
    // A NodeManager takes a disk more than 90% full as failed and runs nothing: the mini cluster's dirs share
    // one (the build machine's) disk with everything else, and Corral's agents check no such thing.
    y.setFloat(YarnConfiguration.NM_MAX_PER_DISK_UTILIZATION_PERCENTAGE, 100f);
    y.setFloat(YarnConfiguration.NM_WM_LOW_PER_DISK_UTILIZATION_PERCENTAGE, 100f);
    // The default resource calculator (memory only): the jobs' containers take a node's memory and cpus in the same
    // proportion, so memory counts here as cpus count on Corral. (Under the DominantResourceCalculator, a flood over
    // its capacity in vcores but not in memory is never preempted: what is to be taken back is negative in memory.)
    String root = CapacitySchedulerConfiguration.PREFIX + CapacitySchedulerConfiguration.ROOT;
    y.set(root + ".queues", String.join(",", queues));
    float capacity = 100f / queues.size();
    for (String q : queues) {
      y.setFloat(root + "." + q + ".capacity", capacity);
      // One user's jobs may fill the pool, not only the queue's capacity (the default factor, 1, caps a
      // user at the capacity): without it no flood could take more than its share, and nothing is preempted.
      y.setFloat(root + "." + q + "." + CapacitySchedulerConfiguration.USER_LIMIT_FACTOR, 100f / capacity);
    }
    y.setBoolean(YarnConfiguration.RM_SCHEDULER_ENABLE_MONITORS, true);
    y.set(YarnConfiguration.RM_SCHEDULER_MONITOR_POLICIES, ProportionalCapacityPreemptionPolicy.class.getName());
    y.setLong(CapacitySchedulerConfiguration.PREEMPTION_WAIT_TIME_BEFORE_KILL, grace.toMillis());
    return y;
  }

  static YarnPreemptionPool start(String name, Path dir, int nodes, Resources node, Duration grace,
      List<String> queues, String fs) throws IOException {
    System.setProperty("test.build.data", dir.toString()); // the mini cluster's work dir
    DefaultMetricsSystem.setMiniClusterMode(true);
    QueueMetrics.clearQueueMetrics(); // a queue's metrics outlive its ResourceManager otherwise
    MiniMRYarnCluster yarn = new MiniMRYarnCluster(name, nodes);
    try {
      yarn.init(configuration(node, grace, queues, fs));
      yarn.start();
      Path site = dir.resolve(name + "-client.xml");
      Files.createDirectories(dir);
      try (OutputStream out = Files.newOutputStream(site)) {
        yarn.getConfig().writeXml(out);
      }
      return new YarnPreemptionPool(yarn, List.of("-conf", site.toString()));
    } catch (IOException | RuntimeException e) {
      yarn.stop();
      throw e;
    }
  }

  @Override
  public String name() {
    return "yarn";
  }

  @Override
  public List<String> clientOptions() {
    return clientOptions;
  }

  /** Nothing to do: each queue has had its capacity from the start. */
  @Override
  public void guarantee(String queue, double cpus) {}

  @Override
  public Map<String, QueueUsage> usage() {
    Map<String, QueueUsage> out = new HashMap<>();
    Set<String> submitted = new HashSet<>();
    for (RMApp app : yarn.getResourceManager().getRMContext().getRMApps().values()) {
      submitted.add(leaf(app.getQueue()));
    }
    for (CSQueue q : scheduler.getRootQueue().getChildQueues()) {
      out.put(q.getQueueName(), new QueueUsage(q.getUsedResources().getVirtualCores(),
          submitted.contains(q.getQueueName()), q.getMetrics().getAggregatePreemptedContainers()));
    }
    return out;
  }

  private static String leaf(String queue) {
    return queue.substring(queue.lastIndexOf('.') + 1);
  }

  @Override
  public void close() {
    yarn.stop();
  }
}
