package io.corral.master.allocator;

import io.corral.common.resources.Resources;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * The offer filters that frameworks hold on one agent, and a bitset (by {@link
 * FrameworkState#index}) of the frameworks they block from the agent's current free resources.
 *
 * <p>The allocation loop asks {@link #blocks} for many frameworks in a row; that is one bit
 * test. The bits are valid for one value of the free resources ({@link #prepare} recomputes
 * them only when that value changed or a filter expired), so an agent that is offered, declined
 * and recovered unchanged keeps its bits from cycle to cycle. Expired filters are removed
 * lazily, by {@link #expire}.
 */
final class AgentFilters {
  private static final long[] NO_BITS = new long[0];

  private final Map<FrameworkState, OfferFilter> byFramework = new HashMap<>();
  private long[] blocked = NO_BITS;
  /** The free resources the bits were computed for; null when they must be recomputed. */
  private Resources checkedFor;
  /** No filter expires before this (it may be earlier than needed after a removal). */
  private Instant nextExpiry = Instant.MAX;

  boolean isEmpty() {
    return byFramework.isEmpty();
  }

  /** The number of frameworks that hold a filter here. */
  int size() {
    return byFramework.size();
  }

  Instant nextExpiry() {
    return nextExpiry;
  }

  /** Records a refusal of {@code refused} by {@code fw} until {@code until} (exclusive). */
  void add(FrameworkState fw, Resources refused, Instant until) {
    OfferFilter old = byFramework.get(fw);
    if (old == null) {
      fw.filteredAgents++;
    }
    byFramework.put(fw, OfferFilter.prepend(refused, until, old));
    if (until.isBefore(nextExpiry)) {
      nextExpiry = until;
    }
    if (checkedFor != null && refused.contains(checkedFor)) {
      setBit(fw.index);
    }
  }

  /** Forgets the filters of one framework (revive, deactivation, removal). */
  void remove(FrameworkState fw) {
    if (byFramework.remove(fw) != null) {
      fw.filteredAgents--;
      clearBit(fw.index);
    }
  }

  /** Forgets all filters (the agent is removed). */
  void clear() {
    for (FrameworkState fw : byFramework.keySet()) {
      fw.filteredAgents--;
    }
    byFramework.clear();
    blocked = NO_BITS;
    checkedFor = null;
    nextExpiry = Instant.MAX;
  }

  /** Drops the filters expired at {@code now}, if any may be. */
  void expire(Instant now) {
    if (now.isBefore(nextExpiry)) {
      return;
    }
    Instant next = Instant.MAX;
    Iterator<Map.Entry<FrameworkState, OfferFilter>> it = byFramework.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<FrameworkState, OfferFilter> e = it.next();
      OfferFilter left = e.getValue().withoutExpired(now);
      if (left == null) {
        e.getKey().filteredAgents--;
        it.remove();
      } else {
        e.setValue(left);
        Instant first = left.earliestExpiry();
        if (first.isBefore(next)) {
          next = first;
        }
      }
    }
    nextExpiry = next;
    checkedFor = null;
  }

  /** Makes {@link #blocks} answer for offering {@code free} at {@code now}. */
  void prepare(Resources free, Instant now) {
    expire(now);
    if (checkedFor != null && checkedFor.equals(free)) {
      return;
    }
    Arrays.fill(blocked, 0L);
    for (Map.Entry<FrameworkState, OfferFilter> e : byFramework.entrySet()) {
      if (e.getValue().blocks(free)) {
        setBit(e.getKey().index);
      }
    }
    checkedFor = free;
  }

  /** Whether a filter blocks {@code fw}; valid after {@link #prepare}. */
  boolean blocks(FrameworkState fw) {
    int word = fw.index >>> 6;
    return word < blocked.length && (blocked[word] & (1L << fw.index)) != 0;
  }

  private void setBit(int index) {
    int word = index >>> 6;
    if (word >= blocked.length) {
      blocked = Arrays.copyOf(blocked, Math.max(word + 1, blocked.length * 2));
    }
    blocked[word] |= 1L << index;
  }

  private void clearBit(int index) {
    int word = index >>> 6;
    if (word < blocked.length) {
      blocked[word] &= ~(1L << index);
    }
  }
}
