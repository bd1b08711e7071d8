package io.corral.agent.isolation;

import io.corral.common.resources.Resources;

/**
 * The limits of one container (an executor run) or of one command task inside it: {@code cpus}
 * (shares, and the CFS cap when enabled), memory in bytes (0: none), processes and threads
 * (0: none), sandbox bytes (0: none). Immutable.
 */
public record ContainerLimits(double cpus, long memBytes, long pids, long diskBytes) {
  private static final long MIB = 1L << 20;

  public ContainerLimits {
    if (cpus < 0 || memBytes < 0 || pids < 0 || diskBytes < 0) {
      throw new IllegalArgumentException("negative limit: " + cpus + " cpus, " + memBytes + " bytes, " + pids
          + " pids, " + diskBytes + " disk bytes");
    }
  }

  /** The limits of {@code r} ({@code mem} and {@code disk} in MiB, as resources are). */
  public static ContainerLimits of(Resources r, long pids) {
    return new ContainerLimits(r.cpus(), Math.round(r.mem() * MIB), pids, Math.round(r.disk() * MIB));
  }

  public long memMib() {
    return memBytes / MIB;
  }
}
