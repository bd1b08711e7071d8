package io.corral.scheduler;

import io.corral.common.resources.Resources;

/**
 * What one task needs: scalar resources and a number of ports (any free ones of the offer).
 *
 * @param scalars cpus, mem, disk, ...
 * @param ports how many ports to pick from the offer
 */
public record ResourceRequest(Resources scalars, int ports) {
  public ResourceRequest {
    if (ports < 0) {
      throw new IllegalArgumentException("ports must be >= 0");
    }
    if (!scalars.rangeResources().isEmpty()) {
      throw new IllegalArgumentException("ask for ports by count, not by range");
    }
  }

  public static ResourceRequest of(double cpus, double memMib) {
    return new ResourceRequest(Resources.builder().cpus(cpus).mem(memMib).build(), 0);
  }

  public ResourceRequest withPorts(int count) {
    return new ResourceRequest(scalars, count);
  }

  public ResourceRequest withDisk(double mib) {
    return new ResourceRequest(scalars.plus(Resources.builder().disk(mib).build()), ports);
  }
}
