package io.corral.master.lifecycle;

import static io.corral.master.lifecycle.MasterPhase.ACTIVE;
import static io.corral.master.lifecycle.MasterPhase.EXITING;
import static io.corral.master.lifecycle.MasterPhase.RECOVERING;
import static io.corral.master.lifecycle.MasterPhase.STANDBY;
import static io.corral.master.lifecycle.MasterPhase.SUSPENDED;

import java.util.List;

/**
 * The master's own life as one table:
 *
 * <pre>
 *   STANDBY --elected--> RECOVERING --recovered--> ACTIVE
 *   RECOVERING|ACTIVE --ZooKeeper suspended--> SUSPENDED --reconnected--> RECOVERING|ACTIVE
 *   any --session lost | leadership lost | stop--> EXITING
 * </pre>
 *
 * A ZooKeeper connection that is merely suspended is not fatal (Curator's
 * SessionConnectionStateErrorPolicy keeps the latch); a lost session is: the master exits with
 * {@link ExitCodes#ZK_SESSION_LOST} and its supervisor restarts it as a standby.
 */
public final class MasterLifecycle {

  /** What happens to a master. */
  public enum Event {
    ELECTED,
    RECOVERED,
    ZK_SUSPENDED,
    ZK_RECONNECTED,
    ZK_SESSION_LOST,
    LEADERSHIP_LOST,
    STOP
  }

  /** What the master must do on a transition. */
  public enum Action {
    /** Start serving agents and schedulers (until now their streams were refused). */
    OPEN,
    /** Start waiting for the agents of the registry to re-register. */
    START_RECOVERY,
    /** Stop making offers and accepting launches. */
    PAUSE,
    /** Make offers and accept launches again. */
    RESUME,
    /** Exit with {@link ExitCodes#ZK_SESSION_LOST}. */
    EXIT_SESSION_LOST,
    /** Exit with {@link ExitCodes#LEADERSHIP_LOST}. */
    EXIT_LEADERSHIP_LOST,
    /** Exit normally. */
    EXIT_STOPPED
  }

  /** The outcome of an event: the new phase and what to do (empty when the event is ignored). */
  public record Transition(MasterPhase phase, List<Action> actions) {}

  private MasterPhase phase = STANDBY;
  private boolean recovered;

  public MasterPhase phase() {
    return phase;
  }

  public Transition apply(Event event) {
    Transition t = next(phase, recovered, event);
    if (event == Event.RECOVERED && t.phase() != EXITING) {
      recovered = true;
    }
    phase = t.phase();
    return t;
  }

  static Transition next(MasterPhase from, boolean recovered, Event event) {
    if (from == EXITING) {
      return stay(from);
    }
    return switch (event) {
      case STOP -> new Transition(EXITING, List.of(Action.EXIT_STOPPED));
      case ZK_SESSION_LOST -> new Transition(EXITING, List.of(Action.EXIT_SESSION_LOST));
      case LEADERSHIP_LOST -> from == STANDBY ? stay(from)
          : new Transition(EXITING, List.of(Action.EXIT_LEADERSHIP_LOST));
      case ELECTED -> from == STANDBY
          ? new Transition(RECOVERING, List.of(Action.OPEN, Action.START_RECOVERY)) : stay(from);
      case RECOVERED -> from == RECOVERING ? new Transition(ACTIVE, List.of()) : stay(from);
      case ZK_SUSPENDED -> from == RECOVERING || from == ACTIVE
          ? new Transition(SUSPENDED, List.of(Action.PAUSE)) : stay(from);
      case ZK_RECONNECTED -> from == SUSPENDED
          ? new Transition(recovered ? ACTIVE : RECOVERING, List.of(Action.RESUME)) : stay(from);
    };
  }

  private static Transition stay(MasterPhase phase) {
    return new Transition(phase, List.of());
  }
}
