package io.corral.common.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.corral.common.testing.Capabilities.Machine;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

/** When a missing capability fails a test and when it skips it. */
class CapabilitiesTest {
  private static final String V1 = """
      30 22 0:27 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
      34 30 0:31 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
      """;
  private static final String V1_READ_ONLY = """
      34 30 0:31 / /sys/fs/cgroup/memory ro,relatime - cgroup cgroup rw,memory
      """;
  private static final String V2 = """
      29 22 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime - cgroup2 cgroup2 rw,nsdelegate
      """;

  @Test
  void onlyARootMachineWithWritableCgroupV1UnderCiExpectsEverything() {
    assertThat(new Machine(true, true, true).expectsEverything()).isTrue();
    assertThat(new Machine(false, true, true).expectsEverything()).isFalse();
    assertThat(new Machine(true, false, true).expectsEverything()).isFalse();
    assertThat(new Machine(true, true, false).expectsEverything()).isFalse();
  }

  @Test
  void aReadWriteCgroupV1MountIsWhatCounts() {
    assertThat(Capabilities.hasWritableCgroupV1(V1)).isTrue();
    assertThat(Capabilities.hasWritableCgroupV1(V1_READ_ONLY)).isFalse();
    assertThat(Capabilities.hasWritableCgroupV1(V2)).isFalse();
    assertThat(Capabilities.hasWritableCgroupV1("")).isFalse();
  }

  @Test
  void aMissingCapabilityFailsOnCisMachineAndSkipsElsewhere() {
    assertThatThrownBy(() -> Capabilities.require(false, "SomeIT", "no chromium on PATH", new Machine(true, true, true)))
        .isInstanceOf(AssertionError.class).hasMessageStartingWith("SomeIT: no chromium on PATH");
    assertThatThrownBy(() -> Capabilities.require(false, "SomeIT", "no chromium on PATH", new Machine(true, false, true)))
        .isInstanceOf(TestAbortedException.class).hasMessageContaining("no chromium on PATH");
    Capabilities.require(true, "SomeIT", "never said", new Machine(true, true, true));
  }

  @Test
  void aMissingCapabilityOfOneStepFailsOnCisMachineAndSkipsOnlyTheStepElsewhere() {
    assertThatThrownBy(() -> Capabilities.step(false, "SomeIT", "memory limit", "no writable memory cgroup",
        new Machine(true, true, true))).isInstanceOf(AssertionError.class)
        .hasMessageStartingWith("SomeIT: memory limit: no writable memory cgroup");
    assertThat(Capabilities.step(false, "SomeIT", "memory limit", "no writable memory cgroup",
        new Machine(false, true, true))).isFalse();
    assertThat(Capabilities.step(true, "SomeIT", "memory limit", "never said", new Machine(true, true, true)))
        .isTrue();
  }
}
