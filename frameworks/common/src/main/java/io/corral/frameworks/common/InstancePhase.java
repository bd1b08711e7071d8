package io.corral.frameworks.common;

/** Where a framework's instance stands in its life. */
public enum InstancePhase {
  /** In the election, not elected: passes API requests on to the leader. */
  STANDBY,
  /** Just elected: loading its state and subscribing to the master; its API answers 503 meanwhile. */
  RECOVERING,
  /** Leading: serves its API, schedules. */
  LEADING,
  /** Leading, but ZooKeeper is unreachable: reads are served, changes refused until it is back (or lost). */
  SUSPENDED,
  /** On its way out; the process exits. */
  EXITING
}
