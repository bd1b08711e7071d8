package io.corral.agent.isolation;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CgroupLayoutTest {
  /** This build machine: v1 controllers, each mounted alone, and a cgroup2 mount holding only hugetlb. */
  private static final String MIXED_MOUNTINFO = String.join("\n",
      "30 22 0:27 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755",
      "31 30 0:28 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu",
      "32 30 0:29 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct",
      "34 30 0:31 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory",
      "36 30 0:33 / /sys/fs/cgroup/freezer rw,relatime - cgroup cgroup rw,freezer",
      "38 30 0:35 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids",
      "39 30 0:36 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd",
      "40 30 0:37 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw",
      "");
  private static final String MIXED_CGROUP = String.join("\n",
      "9:name=systemd:/", "8:pids:/", "6:freezer:/", "4:memory:/process_api/1273", "2:cpuacct:/", "1:cpu:/", "0::/",
      "");

  @Test
  void mixedHostVersionPerController(@TempDir Path root) throws Exception {
    Files.createDirectories(root.resolve("sys/fs/cgroup/unified"));
    Files.writeString(root.resolve("sys/fs/cgroup/unified/cgroup.controllers"), "hugetlb\n");

    CgroupLayout layout = CgroupLayout.parse(MIXED_MOUNTINFO, MIXED_CGROUP, root);

    assertThat(layout.controllers()).containsOnlyKeys("cpu", "cpuacct", "memory", "freezer", "pids", "hugetlb");
    CgroupLayout.Hierarchy memory = layout.hierarchy("memory").orElseThrow();
    assertThat(memory.version()).isEqualTo(1);
    assertThat(memory.mountPoint()).isEqualTo(root.resolve("sys/fs/cgroup/memory"));
    assertThat(memory.ownCgroup()).as("the agent's own cgroup, not the hierarchy's top")
        .isEqualTo(root.resolve("sys/fs/cgroup/memory/process_api/1273"));
    assertThat(memory.below("corral/A1/c1")).isEqualTo(root.resolve("sys/fs/cgroup/memory/process_api/1273/corral/A1/c1"));
    assertThat(layout.hierarchy("cpu").orElseThrow().ownCgroup()).isEqualTo(root.resolve("sys/fs/cgroup/cpu"));
    assertThat(layout.hierarchy("hugetlb").orElseThrow().version()).isEqualTo(2);
    assertThat(layout.hierarchy("name=systemd")).isEmpty();
  }

  @Test
  void unifiedOnlyHost(@TempDir Path root) throws Exception {
    Files.createDirectories(root.resolve("sys/fs/cgroup"));
    Files.writeString(root.resolve("sys/fs/cgroup/cgroup.controllers"), "cpuset cpu io memory hugetlb pids rdma misc\n");
    String mountinfo = "35 24 0:30 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:9 - cgroup2 cgroup2 "
        + "rw,nsdelegate,memory_recursiveprot\n";
    String cgroup = "0::/system.slice/corral-agent.service\n";

    CgroupLayout layout = CgroupLayout.parse(mountinfo, cgroup, root);

    assertThat(layout.controllers()).containsKeys("cpu", "memory", "pids", "io");
    CgroupLayout.Hierarchy cpu = layout.hierarchy("cpu").orElseThrow();
    assertThat(cpu.version()).isEqualTo(2);
    assertThat(cpu.ownCgroup()).isEqualTo(root.resolve("sys/fs/cgroup/system.slice/corral-agent.service"));
    assertThat(layout.hierarchy("memory").orElseThrow().ownCgroup()).isEqualTo(cpu.ownCgroup());
  }

  @Test
  void containerSeesOnlyItsSubtreeAndControllersMountedTogether(@TempDir Path root) throws Exception {
    // cpu and cpuacct share one v1 hierarchy; the mount's root is the container's own cgroup.
    String mountinfo = String.join("\n",
        "1 0 0:40 /docker/abc /sys/fs/cgroup/cpu,cpuacct ro,nosuid - cgroup cgroup rw,cpu,cpuacct",
        "2 0 0:41 /docker/abc /sys/fs/cgroup/memory rw,nosuid - cgroup cgroup rw,memory",
        "garbage line",
        "");
    String cgroup = "5:cpu,cpuacct:/docker/abc\n4:memory:/docker/abc/agent\n";

    CgroupLayout layout = CgroupLayout.parse(mountinfo, cgroup, root);

    assertThat(layout.hierarchy("cpu").orElseThrow().ownCgroup()).isEqualTo(root.resolve("sys/fs/cgroup/cpu,cpuacct"));
    assertThat(layout.hierarchy("cpuacct").orElseThrow().mountPoint())
        .isEqualTo(layout.hierarchy("cpu").orElseThrow().mountPoint());
    assertThat(layout.hierarchy("memory").orElseThrow().ownCgroup()).isEqualTo(root.resolve("sys/fs/cgroup/memory/agent"));
  }

  @Test
  void noCgroupFileSystemMeansNoControllers(@TempDir Path root) throws Exception {
    assertThat(CgroupLayout.parse("22 1 0:5 / /proc rw - proc proc rw\n", "", root).controllers()).isEmpty();
  }

  @Test
  void thisProcessLayoutIsReadable() throws Exception {
    // Whatever this host has: parsing the real files never fails, and every hierarchy's own cgroup is under its mount.
    CgroupLayout.ofThisProcess().controllers().values()
        .forEach(h -> assertThat(h.ownCgroup()).startsWith(h.mountPoint()));
  }
}
