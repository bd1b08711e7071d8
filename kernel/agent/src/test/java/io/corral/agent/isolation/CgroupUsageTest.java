package io.corral.agent.isolation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.corral.common.testing.Capabilities;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CgroupUsageTest {
  @Test
  void v1Files(@TempDir Path dir) throws Exception {
    Path cpu = Files.createDirectories(dir.resolve("cpu"));
    Path acct = Files.createDirectories(dir.resolve("cpuacct"));
    Path mem = Files.createDirectories(dir.resolve("memory"));
    Path pids = Files.createDirectories(dir.resolve("pids"));
    Files.writeString(cpu.resolve("cpu.stat"), "nr_periods 10\nnr_throttled 4\nthrottled_time 2500000000\n");
    Files.writeString(acct.resolve("cpuacct.stat"), "user 150\nsystem 25\n");
    Files.writeString(mem.resolve("memory.stat"), "cache 4096\nrss 8192\ntotal_cache 4096\ntotal_rss 16384\n");
    Files.writeString(mem.resolve("memory.max_usage_in_bytes"), "65536\n");
    Files.writeString(mem.resolve("memory.oom_control"), "oom_kill_disable 0\nunder_oom 0\noom_kill 1\n");
    Files.writeString(pids.resolve("pids.current"), "3\n");

    CgroupUsage u = CgroupUsage.read(Map.of("cpu", Cgroup.at(1, cpu), "cpuacct", Cgroup.at(1, acct),
        "memory", Cgroup.at(1, mem), "pids", Cgroup.at(1, pids)));

    assertThat(u).isEqualTo(new CgroupUsage(1.5, 0.25, 2.5, 16384, 4096, 65536, 1, 3));
  }

  @Test
  void v2Files(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("cpu.stat"), "usage_usec 3000000\nuser_usec 2000000\nsystem_usec 1000000\n"
        + "nr_periods 0\nnr_throttled 0\nthrottled_usec 500000\n");
    Files.writeString(dir.resolve("memory.stat"), "anon 1048576\nfile 2048\nkernel 100\n");
    Files.writeString(dir.resolve("memory.events"), "low 0\nhigh 0\nmax 3\noom 1\noom_kill 1\n");
    Files.writeString(dir.resolve("pids.current"), "7\n");
    Cgroup one = Cgroup.at(2, dir); // v2: one directory for every controller

    CgroupUsage u = CgroupUsage.read(Map.of("cpu", one, "memory", one, "pids", one));

    assertThat(u).isEqualTo(new CgroupUsage(2.0, 1.0, 0.5, 1048576, 2048, -1, 1, 7));
  }

  @Test
  void nothingKnownIsMinusOne() throws Exception {
    assertThat(CgroupUsage.read(Map.of())).isEqualTo(new CgroupUsage(-1, -1, -1, -1, -1, -1, -1, -1));
  }

  /** This host's real cgroups: a busy shell capped at half a core, its usage read from the files. */
  @Test
  void usageOfABusyCappedProcess() throws Exception {
    CgroupLayout layout = CgroupLayout.ofThisProcess();
    Map<String, CgroupLayout.Hierarchy> hs = new LinkedHashMap<>();
    for (String c : new String[] {"cpu", "cpuacct", "memory", "pids"}) {
      layout.hierarchy(c).filter(h -> Files.isWritable(h.ownCgroup())).ifPresent(h -> hs.put(c, h));
    }
    Capabilities.require(hs.size() == 4 && hs.values().stream().allMatch(h -> h.version() == 1), "CgroupUsageTest",
        "needs writable v1 cpu, cpuacct, memory and pids cgroups: " + hs);
    String parent = "corral-test-" + UUID.randomUUID();
    Map<String, Cgroup> cgs = new LinkedHashMap<>();
    Process p = null;
    try {
      for (Map.Entry<String, CgroupLayout.Hierarchy> e : hs.entrySet()) {
        cgs.put(e.getKey(), Cgroup.create(e.getValue(), parent + "/c", e.getKey()));
      }
      CgroupLimits.apply(cgs.get("cpu"), CgroupLimits.cpu(1, 0.5, true));
      CgroupLimits.apply(cgs.get("memory"), CgroupLimits.memory(1, 64L << 20));
      CgroupLimits.apply(cgs.get("pids"), CgroupLimits.pids(16));
      StringBuilder join = new StringBuilder();
      cgs.values().forEach(c -> join.append("echo $$ > ").append(c.dir().resolve("cgroup.procs")).append(" && "));
      p = new ProcessBuilder("sh", "-c", join + "exec sh -c 'while :; do :; done'").start();

      // Throttled once it wants more than its half core in a period: at once on an idle machine, and
      // within the wait on one busy with other work (which may give it less than half a core for a while).
      CgroupUsage u = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
          .until(() -> CgroupUsage.read(cgs), x -> x.cpuUserSeconds() + x.cpuSystemSeconds() >= 0.5
              && x.throttledSeconds() > 0);

      assertThat(u.processes()).isEqualTo(1);
      assertThat(u.memoryRssBytes()).isPositive();
      assertThat(u.memoryPeakBytes()).isGreaterThanOrEqualTo(u.memoryRssBytes());
      assertThat(u.oomKills()).isIn(-1L, 0L);
    } finally {
      if (p != null) {
        p.destroyForcibly();
      }
      for (Map.Entry<String, CgroupLayout.Hierarchy> e : hs.entrySet()) {
        Cgroup.at(1, e.getValue().below(parent)).destroy(Duration.ofSeconds(10));
      }
    }
  }
}
