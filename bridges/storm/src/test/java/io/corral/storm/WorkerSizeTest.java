package io.corral.storm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkerSizeTest {
  private static final double EXTRA = WorkerSize.LOG_WRITER_HEAP_MIB + WorkerSize.JVM_OVERHEAD_MIB;

  @Test
  void oneWorkerHoldsEveryExecutor() {
    // 8 executors of Storm's defaults: 128 MiB on-heap and 10% of a core each.
    WorkerSize s = WorkerSize.of(8, 1, 1024, 0, 80, Map.of(), false);
    assertThat(s.memMib()).isEqualTo(1024 + EXTRA);
    assertThat(s.cpus()).isEqualTo(0.8);
  }

  @Test
  void theBusiestWorkerSetsTheSize() {
    // 3 executors on 2 workers: one worker holds 2 of them.
    WorkerSize s = WorkerSize.of(3, 2, 300, 30, 30, Map.of(), false);
    assertThat(s.memMib()).isEqualTo(200 + 20 + EXTRA);
    assertThat(s.cpus()).isEqualTo(0.2);
  }

  @Test
  void theResourceAwareSchedulerCapsTheHeap() {
    WorkerSize s = WorkerSize.of(8, 1, 1024, 0, 80, Map.of("topology.worker.max.heap.size.mb", 512.0), true);
    assertThat(s.memMib()).isEqualTo(512 + EXTRA);
  }

  @Test
  void theTopologyCanSetItsWorkersCpus() {
    WorkerSize s = WorkerSize.of(8, 1, 1024, 0, 80, Map.of(StormSettings.TOPOLOGY_WORKER_CPUS, "1.5"), false);
    assertThat(s.cpus()).isEqualTo(1.5);
  }

  @Test
  void aWorkerGetsAtLeastATenthOfACore() {
    assertThat(WorkerSize.of(1, 1, 32, 0, 0, Map.of(), false).cpus()).isEqualTo(0.1);
  }
}
