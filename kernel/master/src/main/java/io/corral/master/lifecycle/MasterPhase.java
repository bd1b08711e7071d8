package io.corral.master.lifecycle;

/** Where a master stands in its life. */
public enum MasterPhase {
  /** Waiting in the leader election; serves nobody (streams are refused). */
  STANDBY,
  /** Just elected: serving, and waiting for the agents it should know to re-register. */
  RECOVERING,
  /** Leading, recovered. */
  ACTIVE,
  /** Leading, but ZooKeeper is unreachable: no offers, no launches until it is back or lost. */
  SUSPENDED,
  /** On its way out (stopped, lost its session or its leadership); the process exits. */
  EXITING
}
