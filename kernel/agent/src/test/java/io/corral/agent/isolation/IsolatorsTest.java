package io.corral.agent.isolation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Choosing isolators, and containers' cgroups, on fake cgroup trees (v2 here; v1 runs for real in IsolationIT). */
class IsolatorsTest {
  /** A cgroup v2 host whose agent runs alone in its systemd service's cgroup (Delegate=yes). */
  private static CgroupLayout v2Host(Path root) throws Exception {
    Path own = Files.createDirectories(root.resolve("sys/fs/cgroup/system.slice/corral-agent.service"));
    Files.writeString(root.resolve("sys/fs/cgroup/cgroup.controllers"), "cpuset cpu io memory pids\n");
    Files.writeString(own.resolve("cgroup.procs"), "4242\n");
    Files.writeString(own.resolve("cgroup.subtree_control"), "");
    CgroupLayout.Hierarchy h = new CgroupLayout.Hierarchy(2, root.resolve("sys/fs/cgroup"), own);
    return new CgroupLayout(Map.of("cpu", h, "memory", h, "pids", h, "io", h));
  }

  @Test
  void byDefaultEveryIsolatorTheHostSupportsAndAV2AgentMovesIntoALeaf(@TempDir Path root) throws Exception {
    CgroupLayout layout = v2Host(root);
    Path own = layout.hierarchy("cpu").orElseThrow().ownCgroup();

    Isolators isolators = Isolators.select(IsolationSettings.DEFAULT, layout);

    assertThat(isolators.names()).containsExactly("cgroups/cpu", "cgroups/mem", "cgroups/pids", "disk/du");
    assertThat(isolators.description()).contains("cgroups under corral").contains("CPU weighted by cpus, not capped");
    // Its cgroup held a process (the agent): v2 would not let it delegate controllers, so it moved out.
    assertThat(Files.readString(own.resolve("corral-agent/cgroup.procs"))).isEqualTo(
        Long.toString(ProcessHandle.current().pid()));
    assertThat(own.resolve("corral")).isDirectory();
    assertThat(Files.list(own.resolve("corral")).toList()).as("the probe cgroup is gone").isEmpty();

    // A restarted agent reads the leaf as its own cgroup: its containers stay where they were.
    CgroupLayout.Hierarchy moved = new CgroupLayout.Hierarchy(2, root.resolve("sys/fs/cgroup"),
        own.resolve("corral-agent"));
    assertThat(Isolators.base(moved, "corral").ownCgroup()).isEqualTo(own);
  }

  @Test
  void aContainersCgroupsHoldItsLimitsAndEachCommandTaskItsOwn(@TempDir Path root) throws Exception {
    Isolators isolators = Isolators.select(IsolationSettings.DEFAULT, v2Host(root));
    Path own = root.resolve("sys/fs/cgroup/system.slice/corral-agent.service");
    ContainerCgroups c = isolators.container("A1", "c1", true).orElseThrow();
    Path dir = own.resolve("corral/A1/c1");

    c.create(new ContainerLimits(1.1, 160L << 20, 0, 0));
    c.createTask("t:1", new ContainerLimits(1, 64L << 20, 4096, 0));

    assertThat(Files.readString(dir.resolve("cpu.weight"))).isEqualTo(Long.toString(CgroupLimits.weight(1.1)));
    assertThat(Files.readString(dir.resolve("cpu.max"))).isEqualTo("max 100000");
    assertThat(Files.readString(dir.resolve("memory.max"))).isEqualTo(Long.toString(160L << 20));
    assertThat(dir.resolve("pids.max")).as("the command executor's container has no pids limit").doesNotExist();
    assertThat(dir.resolve("executor")).isDirectory();
    Path task = dir.resolve("task-t%3A1");
    assertThat(Files.readString(task.resolve("memory.max"))).isEqualTo(Long.toString(64L << 20));
    assertThat(Files.readString(task.resolve("pids.max"))).isEqualTo("4096");
    assertThat(Files.readString(own.resolve("cgroup.subtree_control"))).as("v2 delegation from the agent's cgroup")
        .startsWith("+");
    assertThat(c.procsFiles()).containsExactly(dir.resolve("executor/cgroup.procs").toString());
    assertThat(c.taskProcsFiles("t:1")).containsExactly(task.resolve("cgroup.procs").toString());

    // Memory only grows: a lower limit would make the kernel kill what the container holds.
    c.update(new ContainerLimits(0.1, 96L << 20, 0, 0));
    assertThat(Files.readString(dir.resolve("memory.max"))).isEqualTo(Long.toString(160L << 20));
    c.update(new ContainerLimits(2.1, 300L << 20, 0, 0));
    assertThat(Files.readString(dir.resolve("memory.max"))).isEqualTo(Long.toString(300L << 20));
    assertThat(Files.readString(dir.resolve("cpu.weight"))).isEqualTo(Long.toString(CgroupLimits.weight(2.1)));
  }

  @Test
  void withTheCfsCapACustomExecutorIsCappedAndACommandTaskIsButNotItsExecutor(@TempDir Path root) throws Exception {
    IsolationSettings cfs = new IsolationSettings(List.of(), "corral", true, 100,
        IsolationSettings.DEFAULT.commandExecutorOverhead(), IsolationSettings.DEFAULT.watchInterval(),
        IsolationSettings.DEFAULT.diskWatchInterval());
    Isolators isolators = Isolators.select(cfs, v2Host(root));
    Path agent = root.resolve("sys/fs/cgroup/system.slice/corral-agent.service/corral/A1");

    isolators.container("A1", "custom", false).orElseThrow().create(new ContainerLimits(0.5, 64L << 20, 100, 0));
    ContainerCgroups command = isolators.container("A1", "cmd", true).orElseThrow();
    command.create(new ContainerLimits(0.6, 64L << 20, 0, 0));
    command.createTask("t", new ContainerLimits(0.5, 64L << 20, 100, 0));

    assertThat(Files.readString(agent.resolve("custom/cpu.max"))).isEqualTo("50000 100000");
    assertThat(Files.readString(agent.resolve("custom/pids.max"))).isEqualTo("100");
    assertThat(Files.readString(agent.resolve("cmd/cpu.max"))).isEqualTo("max 100000");
    assertThat(Files.readString(agent.resolve("cmd/task-t/cpu.max"))).isEqualTo("50000 100000");
  }

  @Test
  void anIsolatorAskedForThatCannotWorkStopsTheAgentWithTheReason(@TempDir Path root) throws Exception {
    CgroupLayout cpuOnly = new CgroupLayout(Map.of("cpu", v2Host(root).hierarchy("cpu").orElseThrow()));
    IsolationSettings mem = IsolationSettings.DEFAULT.withRequested(List.of("cgroups/mem"));

    assertThatThrownBy(() -> Isolators.select(mem, cpuOnly)).isInstanceOf(IsolationException.class)
        .hasMessage("cgroups/mem cannot work here: no 'memory' cgroup controller is mounted");
    assertThatThrownBy(() -> Isolators.select(IsolationSettings.DEFAULT.withRequested(
        List.of("cgroups/mem", "posix/mem")), cpuOnly)).isInstanceOf(IsolationException.class)
        .hasMessageContaining("not both");
    assertThatThrownBy(() -> IsolationSettings.DEFAULT.withRequested(List.of("cgroups/memory")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown isolator 'cgroups/memory'");
  }

  @Test
  void withoutWritableCgroupsThePosixIsolatorsStandInAndSaySo(@TempDir Path root) throws Exception {
    Path readOnly = Files.createDirectories(root.resolve("sys/fs/cgroup/memory"));
    CgroupLayout.Hierarchy h = new CgroupLayout.Hierarchy(1, readOnly, readOnly.resolve("not-there"));
    Files.writeString(readOnly.resolve("not-there"), "a file where the agent's cgroup should be");
    CgroupLayout layout = new CgroupLayout(Map.of("memory", h));

    Isolators isolators = Isolators.select(IsolationSettings.DEFAULT, layout);

    assertThat(isolators.names()).containsExactly("posix/cpu", "posix/mem", "disk/du");
    assertThat(isolators.cgroups()).isFalse();
    assertThat(isolators.description()).contains("CPU is NOT isolated").contains("cgroups/mem: cannot create cgroups")
        .contains("cgroups/cpu: no 'cpu' cgroup controller is mounted");
    assertThat(isolators.container("A1", "c1", false)).isEmpty();
  }

  @Test
  void orphanCgroupsOfGoneExecutorsAreRemovedAndLiveOnesKept(@TempDir Path root) throws Exception {
    Isolators isolators = Isolators.select(IsolationSettings.DEFAULT, v2Host(root));
    isolators.container("A1", "live", false).orElseThrow().create(new ContainerLimits(1, 0, 0, 0));
    Path agent = root.resolve("sys/fs/cgroup/system.slice/corral-agent.service/corral/A1");
    Files.createDirectories(agent.resolve("gone"));

    // Another agent on the same host (corral local): its containers are none of A1's business.
    isolators.container("A2", "other", false).orElseThrow().create(new ContainerLimits(1, 0, 0, 0));

    List<Path> removed = isolators.cleanOrphans("A1", Set.of("live"));

    assertThat(removed).containsExactly(agent.resolve("gone"));
    assertThat(agent.resolve("live")).isDirectory();
    assertThat(agent.resolve("gone")).doesNotExist();
    assertThat(agent.resolveSibling("A2").resolve("other")).isDirectory();
  }
}
