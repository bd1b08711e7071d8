package io.corral.storm;

import java.util.Map;

/**
 * What one Storm worker of a topology needs from Corral, from the resources Storm itself gives
 * it: Storm sizes a worker by the executors it holds (each component's
 * {@code topology.component.resources.onheap.memory.mb}, {@code ...offheap.memory.mb} and
 * {@code topology.component.cpu.pcore.percent}; its heap is their on-heap sum, capped by
 * {@code topology.worker.max.heap.size.mb} under the resource-aware scheduler). A worker here is
 * given the share of the busiest worker (executors spread evenly, rounded up), plus the LogWriter
 * JVM in front of it ({@value #LOG_WRITER_HEAP_MIB} MiB) and {@value #JVM_OVERHEAD_MIB} MiB for the
 * two JVMs' non-heap memory. {@value StormSettings#TOPOLOGY_WORKER_CPUS} overrides the CPUs.
 */
record WorkerSize(double cpus, double memMib) {
  static final double JVM_OVERHEAD_MIB = 192;
  static final double LOG_WRITER_HEAP_MIB = 64;

  WorkerSize {
    if (!(cpus > 0) || !(memMib > 0)) {
      throw new IllegalArgumentException("a worker needs cpus and memory: " + cpus + " cpus, " + memMib + " MiB");
    }
  }

  /**
   * @param executors the topology's executors (ackers included)
   * @param onHeapMib, offHeapMib, cpuPercent the topology's totals as Storm computes them
   * @param conf the topology's settings over the Nimbus's
   */
  static WorkerSize of(int executors, int workers, double onHeapMib, double offHeapMib, double cpuPercent,
      Map<String, Object> conf, boolean resourceAware) {
    int n = Math.max(1, executors);
    double perWorker = Math.ceil((double) n / Math.max(1, workers));
    double heap = perWorker * onHeapMib / n;
    if (resourceAware) {
      heap = Math.min(heap, StormSettings.number(conf, "topology.worker.max.heap.size.mb", 768));
    }
    double mem = Math.ceil(heap + perWorker * offHeapMib / n + LOG_WRITER_HEAP_MIB + JVM_OVERHEAD_MIB);
    double cpus = conf.containsKey(StormSettings.TOPOLOGY_WORKER_CPUS)
        ? StormSettings.number(conf, StormSettings.TOPOLOGY_WORKER_CPUS, 1)
        : Math.max(0.1, Math.round(perWorker * cpuPercent / n) / 100.0);
    return new WorkerSize(cpus, mem);
  }

  /** The larger of the two in each dimension. */
  WorkerSize max(WorkerSize o) {
    return new WorkerSize(Math.max(cpus, o.cpus), Math.max(memMib, o.memMib));
  }
}
