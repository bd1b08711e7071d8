package io.corral.master.lifecycle;

/**
 * Exit codes of {@code corral master}, for supervisors (systemd, runit, Kubernetes): anything
 * but 0 and 2 means "restart me"; the restarted master joins the election as a standby.
 */
public final class ExitCodes {
  /** Stopped on request (SIGTERM/Ctrl-C gives 143, the JVM's own code for it). */
  public static final int STOPPED = 0;
  /** Could not start (bad configuration, port taken, ZooKeeper unreachable at start). */
  public static final int START_FAILED = 1;
  /** Bad command line. */
  public static final int USAGE = 2;
  /** The master's ZooKeeper session expired: it may no longer be the leader. */
  public static final int ZK_SESSION_LOST = 3;
  /** The master lost the leadership (another master was elected). */
  public static final int LEADERSHIP_LOST = 4;

  private ExitCodes() {}
}
