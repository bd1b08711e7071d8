package io.corral.master.allocator;

import io.corral.common.resources.PooledResources;
import java.time.Instant;
import java.util.Arrays;

/**
 * The offer filters that frameworks hold on one agent, and a bitset of the frameworks they block
 * from the agent's current free resources. Both are indexed by {@link FrameworkState#index} (a
 * small number reused after removal), which keeps a filter down to one array slot plus one
 * {@link OfferFilter}: a cluster can hold millions of them.
 *
 * <p>The allocation loop asks {@link #blocks} for many frameworks in a row; that is one bit
 * test. The bits are valid for one value of the free resources ({@link #prepare} recomputes
 * them only when that value changed or a filter expired), so an agent that is offered, declined
 * and recovered unchanged keeps its bits from cycle to cycle. Expired filters are removed
 * lazily, by {@link #expire}.
 */
final class AgentFilters {
  private static final long[] NO_BITS = new long[0];
  private static final FrameworkState[] NO_FRAMEWORKS = new FrameworkState[0];
  private static final OfferFilter[] NO_FILTERS = new OfferFilter[0];

  private FrameworkState[] frameworks = NO_FRAMEWORKS;
  private OfferFilter[] filters = NO_FILTERS;
  private int count;
  private long[] blocked = NO_BITS;
  /** The free resources the bits were computed for; null when they must be recomputed. */
  private PooledResources checkedFor;
  /** No filter expires before this (it may be earlier than needed after a removal). */
  private Instant nextExpiry = Instant.MAX;

  boolean isEmpty() {
    return count == 0;
  }

  /** The number of frameworks that hold a filter here. */
  int size() {
    return count;
  }

  Instant nextExpiry() {
    return nextExpiry;
  }

  /** Records a refusal of {@code refused} by {@code fw} until {@code until} (exclusive). */
  void add(FrameworkState fw, PooledResources refused, Instant until) {
    int i = fw.index;
    if (i >= filters.length) {
      int size = Math.max(i + 1, filters.length * 2);
      filters = Arrays.copyOf(filters, size);
      frameworks = Arrays.copyOf(frameworks, size);
    }
    OfferFilter old = filters[i];
    if (old == null) {
      fw.filteredAgents++;
      count++;
      frameworks[i] = fw;
    }
    filters[i] = OfferFilter.prepend(refused, until, old);
    if (until.isBefore(nextExpiry)) {
      nextExpiry = until;
    }
    if (checkedFor != null && refused.contains(checkedFor)) {
      setBit(i);
    }
  }

  /** Forgets the filters of one framework (revive, deactivation, removal). */
  void remove(FrameworkState fw) {
    int i = fw.index;
    if (i < filters.length && frameworks[i] == fw) {
      drop(i);
    }
  }

  /** Forgets all filters (the agent is removed). */
  void clear() {
    for (int i = 0; i < filters.length; i++) {
      if (filters[i] != null) {
        drop(i);
      }
    }
    filters = NO_FILTERS;
    frameworks = NO_FRAMEWORKS;
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
    for (int i = 0; i < filters.length; i++) {
      if (filters[i] == null) {
        continue;
      }
      OfferFilter left = filters[i].withoutExpired(now);
      if (left == null) {
        drop(i);
      } else {
        filters[i] = left;
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
  void prepare(PooledResources free, Instant now) {
    expire(now);
    if (checkedFor != null && checkedFor.equals(free)) {
      return;
    }
    Arrays.fill(blocked, 0L);
    for (int i = 0; i < filters.length; i++) {
      if (filters[i] != null && filters[i].blocks(free)) {
        setBit(i);
      }
    }
    checkedFor = free;
  }

  /** Whether a filter blocks {@code fw}; valid after {@link #prepare}. */
  boolean blocks(FrameworkState fw) {
    int word = fw.index >>> 6;
    return word < blocked.length && (blocked[word] & (1L << fw.index)) != 0;
  }

  /**
   * Whether a refusal of {@code fw} blocks offering {@code offered} (a slice of the free
   * resources, which {@link #blocks} does not answer for); valid after {@link #expire}.
   */
  boolean refuses(FrameworkState fw, PooledResources offered) {
    int i = fw.index;
    return i < filters.length && frameworks[i] == fw && filters[i].blocks(offered);
  }

  private void drop(int i) {
    frameworks[i].filteredAgents--;
    frameworks[i] = null;
    filters[i] = null;
    count--;
    clearBit(i);
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
