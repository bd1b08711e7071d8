package io.corral.spark;

import io.corral.common.resources.Resources;
import io.corral.scheduler.ResourceRequest;
import org.apache.spark.SparkConf;

/**
 * The size of one Spark executor as a Corral task: {@code spark.executor.cores} cpus, and the
 * heap ({@code spark.executor.memory}) plus Spark's overhead ({@code spark.executor.memoryOverhead},
 * else {@code spark.executor.memoryOverheadFactor} x heap, at least
 * {@code spark.executor.minMemoryOverhead}) plus off-heap memory when enabled, as YARN and
 * Kubernetes size their containers.
 *
 * @param cores cores Spark schedules on the executor (and the task's cpus)
 * @param heapMib the executor JVM's -Xmx
 * @param taskMemMib the task's mem: heap + overhead + off-heap
 */
public record ExecutorSpec(int cores, long heapMib, long taskMemMib) {
  public ExecutorSpec {
    if (cores < 1) {
      throw new IllegalArgumentException("spark.executor.cores must be at least 1, got " + cores);
    }
    if (heapMib < 1) {
      throw new IllegalArgumentException("spark.executor.memory must be positive");
    }
  }

  public static ExecutorSpec from(SparkConf conf) {
    int cores = conf.getInt("spark.executor.cores", 1);
    long heap = conf.getSizeAsMb("spark.executor.memory", "1g");
    long overhead;
    if (conf.contains("spark.executor.memoryOverhead")) {
      overhead = conf.getSizeAsMb("spark.executor.memoryOverhead", "0");
    } else {
      double factor = conf.getDouble("spark.executor.memoryOverheadFactor", 0.10);
      long min = conf.getSizeAsMb("spark.executor.minMemoryOverhead", "384m");
      overhead = Math.max((long) (factor * heap), min);
    }
    long offHeap = conf.getBoolean("spark.memory.offHeap.enabled", false)
        ? conf.getSizeAsMb("spark.memory.offHeap.size", "0") : 0;
    long pyspark = conf.contains("spark.executor.pyspark.memory")
        ? conf.getSizeAsMb("spark.executor.pyspark.memory", "0") : 0;
    return new ExecutorSpec(cores, heap, heap + overhead + offHeap + pyspark);
  }

  public ResourceRequest request() {
    return new ResourceRequest(Resources.builder().cpus(cores).mem(taskMemMib).build(), 0);
  }
}
