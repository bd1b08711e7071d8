package io.corral.hadoop;

import java.util.List;
import java.util.Map;

/**
 * A pool of nodes shared by queues (YARN) or roles (Corral), as {@link HadoopPreemptionBenchmark}
 * sees it: what a job client needs to run a job on it, and what each queue holds.
 */
interface PreemptionPool extends AutoCloseable {
  /** What a queue (a role on Corral) holds and has seen, at one moment. */
  record QueueUsage(double cpus, boolean submitted, long preempted) {
    static final QueueUsage NONE = new QueueUsage(0, false, 0);
  }

  /** {@code corral} or {@code yarn}. */
  String name();

  /** The generic options ({@code -D...}, {@code -conf ...}) a job client passes to run its job here. */
  List<String> clientOptions();

  /**
   * Called once the flood holds the pool and before the arriving job is submitted: the pool gives
   * {@code queue} its guarantee of {@code cpus} now if it has not had it from the start.
   */
  void guarantee(String queue, double cpus) throws Exception;

  /** Every queue's usage now (a queue not listed holds nothing). */
  Map<String, QueueUsage> usage() throws Exception;

  @Override
  void close();
}
