package io.corral.master.allocator;

import io.corral.common.resources.Resources;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;

/** Small helpers shared by the allocator tests. */
final class Fixtures {
  static final Instant T0 = Instant.parse("2024-01-01T00:00:00Z");
  static final Duration NO_FILTER = Duration.ZERO;

  private Fixtures() {}

  static Resources res(String spec) {
    return Resources.parse(spec);
  }

  /** Unreserved resources, as allocations hold them. */
  static io.corral.common.resources.PooledResources pooled(String spec) {
    return io.corral.common.resources.PooledResources.of(Resources.parse(spec));
  }

  static Instant at(double seconds) {
    return T0.plusMillis(Math.round(seconds * 1000));
  }

  static DrfAllocator allocator() {
    return new DrfAllocator(new Random(42));
  }

  /** The agent ids of allocations given to one framework. */
  static List<String> agentsOf(List<Allocation> allocations, String frameworkId) {
    return allocations.stream()
        .filter(a -> a.frameworkId().equals(frameworkId))
        .map(Allocation::agentId)
        .sorted()
        .toList();
  }

  /** Declines every allocation with the given filter. */
  static void declineAll(DrfAllocator allocator, List<Allocation> allocations, Duration refuse,
      Instant now) {
    for (Allocation a : allocations) {
      allocator.recover(a.frameworkId(), a.agentId(), a.resources(), refuse, now);
    }
  }
}
