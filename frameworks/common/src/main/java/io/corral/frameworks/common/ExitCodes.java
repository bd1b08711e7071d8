package io.corral.frameworks.common;

/**
 * Exit codes of a built-in framework's process ({@code corral services}), as {@code corral master}'s:
 * for supervisors (systemd, runit, Kubernetes), anything but 0 and 2 means "restart me"; the
 * restarted instance joins the election as a standby.
 */
public final class ExitCodes {
  /** Stopped on request. */
  public static final int STOPPED = 0;
  /** Could not start (port taken, work dir in use, ZooKeeper or the state unreachable at start). */
  public static final int START_FAILED = 1;
  /** Bad command line. */
  public static final int USAGE = 2;
  /** Its ZooKeeper session expired: it may no longer be the leader. */
  public static final int ZK_SESSION_LOST = 3;
  /** It lost the leadership (another instance was elected). */
  public static final int LEADERSHIP_LOST = 4;
  /** Its state could not be read or written (the leader stops rather than carry on with state it cannot keep). */
  public static final int STATE_FAILED = 5;

  private ExitCodes() {}
}
