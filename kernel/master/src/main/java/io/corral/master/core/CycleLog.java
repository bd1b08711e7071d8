package io.corral.master.core;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The most recent allocation cycles of one kind, in a fixed ring: one writer (the master's
 * loop), any number of readers, no locks. The ring keeps the last {@link #capacity()}
 * cycles; older ones are overwritten, so memory stays bounded however long the master runs.
 *
 * <p>Readers never see a half-written sample: they copy, then drop whatever the writer may
 * have overwritten meanwhile.
 */
public final class CycleLog {
  /** Longs per sample: allocator nanos, total nanos, CPU nanos, offers. */
  private static final int WIDTH = 4;

  /**
   * One cycle.
   *
   * @param seq position in the log (0 for the first cycle ever recorded)
   * @param allocatorNanos time spent in the allocator deciding
   * @param totalNanos the allocator plus making and queueing the offers
   * @param cpuNanos CPU time the loop thread used for all of it (less than {@code totalNanos}
   *     when other threads had the CPU meanwhile), or -1 where the JVM cannot tell
   * @param offers offers the cycle made
   */
  public record Sample(long seq, long allocatorNanos, long totalNanos, long cpuNanos, int offers) {}

  private final int capacity;
  /** One slot more than the capacity: the one the writer may be overwriting. */
  private final int ring;
  private final AtomicLongArray slots;
  /** Samples written so far; sample {@code n} lives in slot {@code n % ring}. */
  private final AtomicLong written = new AtomicLong();

  public CycleLog(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1: " + capacity);
    }
    this.capacity = capacity;
    this.ring = capacity + 1;
    this.slots = new AtomicLongArray(ring * WIDTH);
  }

  public int capacity() {
    return capacity;
  }

  /** Cycles recorded since the master started (including those the ring no longer holds). */
  public long count() {
    return written.get();
  }

  /** Called by the single writer only. */
  void record(long allocatorNanos, long totalNanos, long cpuNanos, int offers) {
    long n = written.get();
    int base = (int) (n % ring) * WIDTH;
    // Volatile writes throughout, so a reader that sees any of these values also sees the
    // count that marks the slot's previous sample as overwritten (a few nanoseconds per cycle).
    slots.set(base, allocatorNanos);
    slots.set(base + 1, totalNanos);
    slots.set(base + 2, cpuNanos);
    slots.set(base + 3, offers);
    written.set(n + 1);
  }

  /** The samples still held whose sequence number is {@code >= from}, oldest first. */
  public List<Sample> since(long from) {
    long end = written.get();
    long start = Math.max(from, end - capacity);
    List<Sample> out = new ArrayList<>((int) Math.max(0, end - start));
    for (long n = start; n < end; n++) {
      int base = (int) (n % ring) * WIDTH;
      out.add(new Sample(n, slots.get(base), slots.get(base + 1), slots.get(base + 2), (int) slots.get(base + 3)));
    }
    // The writer may have lapped us while we copied: sample n is intact only if the writer has
    // not started on sample n + ring, which it may do once it has written n + ring samples.
    long now = written.get();
    out.removeIf(s -> s.seq() + ring <= now);
    return out;
  }

  /** Every sample still held, oldest first. */
  public List<Sample> recent() {
    return since(0);
  }
}
