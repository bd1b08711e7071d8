package io.corral.agent;

import io.corral.common.resources.Resources;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What this machine has to offer: all cpus, memory minus a reserve for the system (the
 * smaller of 1 GiB and half), disk of the work dir's file system minus a reserve (the smaller
 * of 5 GiB and half), and ports 31000-32000, like Mesos.
 */
public final class ResourceDetector {
  private static final long MIB = 1024 * 1024;

  private ResourceDetector() {}

  public static Resources detect(Path workDir) {
    return Resources.builder()
        .cpus(Runtime.getRuntime().availableProcessors())
        .mem(memoryMib())
        .disk(diskMib(workDir))
        .ports(31000, 32000)
        .build();
  }

  /** Detected resources with the names given in {@code overrides} replaced. */
  /**
   * The detected resources, unreserved, for the names {@code given} does not name in any pool, with
   * {@code given} (so {@code cpus(eng):2} alone means the agent offers 2 cpus, reserved).
   */
  public static io.corral.common.resources.PooledResources detectWithOverrides(Path workDir,
      io.corral.common.resources.PooledResources given) {
    Resources overrides = given.all();
    Resources detected = detectWithOverrides(workDir, overrides).minus(overrides);
    return given.plus(io.corral.common.resources.PooledResources.of(detected));
  }

  public static Resources detectWithOverrides(Path workDir, Resources overrides) {
    Resources.Builder b = Resources.builder();
    Resources detected = detect(workDir);
    detected.scalars().forEach((k, v) -> {
      if (overrides.scalar(k) == 0 && !overrides.rangeResources().containsKey(k)) {
        b.scalar(k, v);
      }
    });
    detected.rangeResources().forEach((k, v) -> {
      if (!overrides.rangeResources().containsKey(k) && overrides.scalar(k) == 0) {
        b.ranges(k, v);
      }
    });
    return b.build().plus(overrides);
  }

  static double memoryMib() {
    long total;
    try {
      total = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
          .getTotalMemorySize();
    } catch (ClassCastException e) {
      total = Runtime.getRuntime().maxMemory();
    }
    long reserve = Math.min(1024 * MIB, total / 2);
    return Math.floor((total - reserve) / (double) MIB);
  }

  static double diskMib(Path workDir) {
    try {
      Path p = workDir;
      while (p != null && !Files.exists(p)) {
        p = p.getParent();
      }
      long free = Files.getFileStore(p == null ? Path.of("/") : p).getUsableSpace();
      long reserve = Math.min(5 * 1024 * MIB, free / 2);
      return Math.floor((free - reserve) / (double) MIB);
    } catch (IOException e) {
      return 0;
    }
  }

  public static String hostname() {
    try {
      return InetAddress.getLocalHost().getCanonicalHostName();
    } catch (IOException e) {
      return "localhost";
    }
  }
}
