package io.corral.spark;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.SparkConf;

/**
 * Spark's executor decommissioning, on by default under Corral: an executor the master preempts
 * (a {@code PreemptionNotice}) or dynamic allocation lets go first stops taking tasks, finishes
 * those it runs and moves its shuffle and cached blocks to the other executors, then exits, so
 * nothing it held is computed again. A setting the application gives wins.
 */
final class DecommissionDefaults {
  /**
   * The settings and their defaults here. {@code replicationReattemptInterval} (Spark: 30 s) is how
   * often a decommissioning executor looks again for blocks to move: an executor may leave only once
   * a pass began after its last task ended, so Spark's 30 s would outlast a notice's grace (10 s).
   */
  static final Map<String, String> DEFAULTS;

  static {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("spark.decommission.enabled", "true");
    m.put("spark.storage.decommission.enabled", "true");
    m.put("spark.storage.decommission.shuffleBlocks.enabled", "true");
    m.put("spark.storage.decommission.rddBlocks.enabled", "true");
    m.put("spark.storage.decommission.replicationReattemptInterval", "1s");
    DEFAULTS = java.util.Collections.unmodifiableMap(m);
  }

  private DecommissionDefaults() {}

  /** Sets each default the configuration does not set. Before the backend exists: its executors read them. */
  static void apply(SparkConf conf) {
    missing(conf::contains).forEach(conf::set);
  }

  /** The defaults of the settings not set ({@code isSet}). */
  static Map<String, String> missing(java.util.function.Predicate<String> isSet) {
    Map<String, String> m = new LinkedHashMap<>(DEFAULTS);
    m.keySet().removeIf(isSet);
    return m;
  }

  /** Whether executors are decommissioned rather than just killed ({@code spark.decommission.enabled}). */
  static boolean enabled(SparkConf conf) {
    return conf.getBoolean("spark.decommission.enabled", false);
  }
}
