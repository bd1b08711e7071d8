package io.corral.agent.isolation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class CgroupLimitsTest {
  @Test
  void cpuSharesAndWeightsKeepTheRatioOfCpus() {
    assertThat(CgroupLimits.shares(1)).isEqualTo(1024);
    assertThat(CgroupLimits.shares(0.001)).as("the kernel's minimum").isEqualTo(2);
    assertThat(CgroupLimits.weight(1)).isEqualTo(39); // systemd: CPUShares=1024 is CPUWeight=39
    assertThat(CgroupLimits.weight(0.001)).isEqualTo(1);
    assertThat(CgroupLimits.weight(10_000)).isEqualTo(10_000);
    double v1 = (double) CgroupLimits.shares(1.5) / CgroupLimits.shares(0.5);
    double v2 = (double) CgroupLimits.weight(1.5) / CgroupLimits.weight(0.5);
    assertThat(v1).isEqualTo(3.0);
    assertThat(v2).isBetween(2.8, 3.2);
  }

  @Test
  void cpuFilesPerVersionWithAndWithoutTheHardCap() {
    assertThat(CgroupLimits.cpu(1, 0.5, false)).containsExactly(Map.entry("cpu.shares", "512"));
    assertThat(CgroupLimits.cpu(1, 0.5, true)).containsExactly(Map.entry("cpu.shares", "512"),
        Map.entry("cpu.cfs_period_us", "100000"), Map.entry("cpu.cfs_quota_us", "50000"));
    assertThat(CgroupLimits.cpu(2, 2, true)).containsExactly(Map.entry("cpu.weight", "79"),
        Map.entry("cpu.max", "200000 100000"));
    assertThat(CgroupLimits.cpu(2, 2, false)).contains(Map.entry("cpu.max", "max 100000"));
    assertThat(CgroupLimits.cpu(1, 0.001, true)).as("at least 1 ms a period")
        .contains(Map.entry("cpu.cfs_quota_us", "1000"));
  }

  @Test
  void memoryAndPids() {
    assertThat(CgroupLimits.memory(1, 64L << 20)).containsExactly(Map.entry("memory.limit_in_bytes", "67108864"));
    assertThat(CgroupLimits.memory(2, 64L << 20)).containsExactly(Map.entry("memory.max", "67108864"));
    assertThat(CgroupLimits.pids(100)).containsExactly(Map.entry("pids.max", "100"));
    assertThatThrownBy(() -> CgroupLimits.memory(1, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> CgroupLimits.pids(-1)).isInstanceOf(IllegalArgumentException.class);
  }
}
