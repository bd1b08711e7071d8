package io.corral.bridges.common;

import io.corral.common.loop.EventLoop;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * A framework's long-lived executors (Spark's executors, Storm's Supervisors, Hadoop's per-agent
 * TaskTrackers): where each runs, how far it is ({@link Phase}), and when it goes. An executor
 * goes when the bridge {@link #release releases} it, or when it has been {@link #idle} for the
 * {@link IdleRelease#timeout}: a timer on the loop, called off when it is {@link #busy} again and
 * put off while the bridge {@link #hold holds} releases. A release is the bridge's to carry out
 * (kill the task, send the executor a message: the {@code release} action), made again every
 * {@link IdleRelease#resend} while the executor is still there; the executor then stays
 * {@code RELEASING} until the bridge {@link #remove removes} it (its task ended, its agent is gone).
 *
 * <p>Not thread-safe: owned by the loop its timers run on (the {@link FrameworkActor}'s).
 *
 * @param <E> what the bridge knows of an executor (Spark's executor id, a Supervisor's slots...)
 */
public final class Fleet<E> {
  /** How far an executor is. */
  public enum Phase {
    /** Launched, not running yet. */
    STARTING,
    RUNNING,
    /** Released (killed, told to stop): gone soon. */
    RELEASING
  }

  /**
   * One executor.
   *
   * @param key its key in the fleet: its task id, or its agent id where one executor serves an agent
   * @param agentId the agent it runs on
   */
  public record Member<E>(String key, String agentId, Phase phase, E executor) {
    /** Not released: starting or running. */
    public boolean live() {
      return phase != Phase.RELEASING;
    }

    Member<E> in(Phase p) {
      return new Member<>(key, agentId, p, executor);
    }
  }

  private final EventLoop loop;
  private final IdleRelease policy;
  private final Consumer<Member<E>> release;
  private final Map<String, Member<E>> members = new LinkedHashMap<>();
  private final Map<String, EventLoop.Cancellable> idleTimers = new HashMap<>();
  /** Idle for the timeout while releases were held: released once they are not. */
  private final Set<String> overdue = new HashSet<>();
  private final Map<String, EventLoop.Cancellable> resends = new HashMap<>();
  private boolean held;

  /**
   * @param loop where the idle and resend timers run (the loop that owns this fleet)
   * @param release carries out a release (and each resend) of an executor
   */
  public Fleet(EventLoop loop, IdleRelease policy, Consumer<Member<E>> release) {
    this.loop = loop;
    this.policy = policy;
    this.release = release;
  }

  /** An executor was launched (replacing one of the same key, which the bridge must have removed). */
  public Member<E> starting(String key, String agentId, E executor) {
    return put(new Member<>(key, agentId, Phase.STARTING, executor));
  }

  /** An executor found running, that this fleet did not launch (a restarted scheduler takes it back). */
  public Member<E> adopt(String key, String agentId, E executor) {
    return put(new Member<>(key, agentId, Phase.RUNNING, executor));
  }

  private Member<E> put(Member<E> m) {
    cancelTimers(m.key());
    members.put(m.key(), m);
    return m;
  }

  /** A starting executor runs now; returns whether it was starting. */
  public boolean running(String key) {
    Member<E> m = members.get(key);
    if (m == null || m.phase() != Phase.STARTING) {
      return false;
    }
    members.put(key, m.in(Phase.RUNNING));
    return true;
  }

  /** Changes what the bridge knows of an executor; returns it, or null when there is none. */
  public Member<E> update(String key, UnaryOperator<E> change) {
    Member<E> m = members.get(key);
    if (m == null) {
      return null;
    }
    Member<E> changed = new Member<>(key, m.agentId(), m.phase(), change.apply(m.executor()));
    members.put(key, changed);
    return changed;
  }

  /**
   * Releases an executor now: it is {@code RELEASING}, and the release action is carried out.
   * Returns it, or null when there is none or it is released already.
   */
  public Member<E> release(String key) {
    Member<E> m = members.get(key);
    if (m == null || !m.live()) {
      return null;
    }
    cancelTimers(key);
    Member<E> releasing = m.in(Phase.RELEASING);
    members.put(key, releasing);
    release.accept(releasing);
    policy.resend().ifPresent(every -> resends.put(key, loop.scheduleWithFixedDelay(every, () -> {
      Member<E> still = members.get(key);
      if (still != null) {
        release.accept(still);
      }
    })));
    return releasing;
  }

  /** Releases every executor not released yet. */
  public void releaseAll() {
    List.copyOf(members.keySet()).forEach(this::release);
  }

  /** The executor is gone; returns it as it was at the end (its phase tells whether it was released), or null. */
  public Member<E> remove(String key) {
    cancelTimers(key);
    return members.remove(key);
  }

  /**
   * The executor has nothing to do: released after the idle timeout unless it is {@link #busy}
   * meanwhile. Its idle time keeps running when it is said to be idle again.
   */
  public void idle(String key) {
    Member<E> m = members.get(key);
    if (m == null || !m.live() || policy.timeout().isEmpty() || idleTimers.containsKey(key) || overdue.contains(key)) {
      return;
    }
    idleTimers.put(key, loop.schedule(policy.timeout().get(), () -> {
      idleTimers.remove(key);
      if (held) {
        overdue.add(key);
      } else {
        release(key);
      }
    }));
  }

  /** The executor has work again: its idle time starts afresh when it is next idle. */
  public void busy(String key) {
    EventLoop.Cancellable timer = idleTimers.remove(key);
    if (timer != null) {
      timer.cancel();
    }
    overdue.remove(key);
  }

  /**
   * While held, executors idle for the timeout are not released (the host may soon have work for
   * them); when no longer held, those are released at once.
   */
  public void hold(boolean hold) {
    held = hold;
    if (!hold && !overdue.isEmpty()) {
      List<String> due = List.copyOf(overdue);
      overdue.clear();
      due.forEach(this::release);
    }
  }

  public Member<E> get(String key) {
    return members.get(key);
  }

  /** Every executor, in the order they joined. */
  public Collection<Member<E>> members() {
    return List.copyOf(members.values());
  }

  public int count(Predicate<Member<E>> which) {
    return (int) members.values().stream().filter(which).count();
  }

  /** How many of the executors {@code which} run on the agent. */
  public int onAgent(String agentId, Predicate<Member<E>> which) {
    return count(m -> m.agentId().equals(agentId) && which.test(m));
  }

  /** The agents with executors {@code which}. */
  public Set<String> agents(Predicate<Member<E>> which) {
    Set<String> out = new HashSet<>();
    members.values().stream().filter(which).forEach(m -> out.add(m.agentId()));
    return out;
  }

  private void cancelTimers(String key) {
    busy(key);
    EventLoop.Cancellable resend = resends.remove(key);
    if (resend != null) {
      resend.cancel();
    }
  }

  /** The keys of the executors {@code which}, in order (for tests and logs). */
  public List<String> keys(Predicate<Member<E>> which) {
    List<String> out = new ArrayList<>();
    members.values().stream().filter(which).forEach(m -> out.add(m.key()));
    return out;
  }
}
