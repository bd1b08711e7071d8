package io.corral.frameworks.common;

import static io.corral.frameworks.common.InstancePhase.EXITING;
import static io.corral.frameworks.common.InstancePhase.LEADING;
import static io.corral.frameworks.common.InstancePhase.RECOVERING;
import static io.corral.frameworks.common.InstancePhase.STANDBY;
import static io.corral.frameworks.common.InstancePhase.SUSPENDED;

import java.util.Optional;

/**
 * A framework instance's life as one table (the master's {@code MasterLifecycle}, for frameworks):
 *
 * <pre>
 *   STANDBY --elected--> RECOVERING --recovered--> LEADING
 *   RECOVERING|LEADING --ZooKeeper suspended--> SUSPENDED --reconnected--> RECOVERING|LEADING
 *   any --session lost | state failed | stop--> EXITING;  but STANDBY --leadership lost--> STANDBY
 * </pre>
 *
 * A suspended connection is not fatal (the election keeps the leadership, the state store's fence
 * refuses changes meanwhile); a lost session or leadership is: the instance exits with its code
 * ({@link ExitCodes}) and its supervisor restarts it as a standby, so that one process never leads
 * twice (Aurora's way).
 */
public final class InstanceLifecycle {

  /** What happens to an instance. */
  public enum Event {
    ELECTED,
    RECOVERED,
    ZK_SUSPENDED,
    ZK_RECONNECTED,
    SESSION_LOST,
    LEADERSHIP_LOST,
    STATE_FAILED,
    STOP
  }

  /** What the instance must do on a transition. */
  public enum Action {
    /** Load the state, subscribe to the master (then {@link Event#RECOVERED}). */
    RECOVER,
    EXIT_STOPPED(ExitCodes.STOPPED),
    EXIT_SESSION_LOST(ExitCodes.ZK_SESSION_LOST),
    EXIT_LEADERSHIP_LOST(ExitCodes.LEADERSHIP_LOST),
    EXIT_STATE_FAILED(ExitCodes.STATE_FAILED);

    private final Integer exitCode;

    Action() {
      this(null);
    }

    Action(Integer exitCode) {
      this.exitCode = exitCode;
    }

    /** The process's exit code, for the actions that end it. */
    public Optional<Integer> exitCode() {
      return Optional.ofNullable(exitCode);
    }
  }

  /** The outcome of an event: the new phase and what to do (none when the event changes nothing). */
  public record Transition(InstancePhase phase, Optional<Action> action) {}

  private InstancePhase phase = STANDBY;
  private boolean recovered;

  public InstancePhase phase() {
    return phase;
  }

  /** Whether the instance serves its API itself: it leads and has its state (also while suspended). */
  public boolean serving() {
    return recovered && (phase == LEADING || phase == SUSPENDED);
  }

  public Transition apply(Event event) {
    Transition t = next(phase, recovered, event);
    if (event == Event.RECOVERED && t.phase() != EXITING && phase != STANDBY) {
      recovered = true;
    }
    phase = t.phase();
    return t;
  }

  static Transition next(InstancePhase from, boolean recovered, Event event) {
    if (from == EXITING) {
      return stay(from);
    }
    return switch (event) {
      case STOP -> exit(Action.EXIT_STOPPED);
      case SESSION_LOST -> exit(Action.EXIT_SESSION_LOST);
      case STATE_FAILED -> exit(Action.EXIT_STATE_FAILED);
      case LEADERSHIP_LOST -> from == STANDBY ? stay(from) : exit(Action.EXIT_LEADERSHIP_LOST);
      case ELECTED -> from == STANDBY ? new Transition(RECOVERING, Optional.of(Action.RECOVER)) : stay(from);
      case RECOVERED -> from == RECOVERING ? new Transition(LEADING, Optional.empty()) : stay(from);
      case ZK_SUSPENDED -> from == RECOVERING || from == LEADING ? new Transition(SUSPENDED, Optional.empty())
          : stay(from);
      case ZK_RECONNECTED -> from == SUSPENDED ? new Transition(recovered ? LEADING : RECOVERING, Optional.empty())
          : stay(from);
    };
  }

  private static Transition exit(Action action) {
    return new Transition(EXITING, Optional.of(action));
  }

  private static Transition stay(InstancePhase phase) {
    return new Transition(phase, Optional.empty());
  }
}
