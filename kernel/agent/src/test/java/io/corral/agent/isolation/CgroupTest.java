package io.corral.agent.isolation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.corral.common.testing.Capabilities;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CgroupTest {
  /** On this host's real memory hierarchy, below this JVM's own cgroup; skipped where it is not writable. */
  @Test
  void holdsAProcessTreeWithItsLimitAndIsDestroyedWithEveryProcess() throws Exception {
    CgroupLayout.Hierarchy memory = CgroupLayout.ofThisProcess().hierarchy("memory").orElse(null);
    boolean writable = memory != null && Files.isWritable(memory.ownCgroup());
    Capabilities.require(writable, "CgroupTest", "no writable memory cgroup here (" + memory + ")");
    String parent = "corral-test-" + UUID.randomUUID();
    Cgroup cg = Cgroup.create(memory, parent + "/c1", "memory");
    Process p = null;
    try {
      assertThat(cg.dir()).startsWith(memory.ownCgroup()).isNotEqualTo(memory.ownCgroup());
      String limitFile = cg.version() == 1 ? "memory.limit_in_bytes" : "memory.max";
      cg.write(limitFile, Long.toString(64L << 20));
      assertThat(cg.readLong(limitFile)).hasValue(64L << 20);
      // As an executor will start: the shell moves itself in, forks, and execs the command.
      p = new ProcessBuilder("sh", "-c", "echo $$ > " + cg.dir().resolve("cgroup.procs") + " && (sleep 120 &) && exec sleep 120")
          .start();
      long pid = p.pid();
      List<Long> inside = await().atMost(Duration.ofSeconds(10)).until(cg::processes, l -> l.size() == 2);
      assertThat(inside).contains(pid);
      assertThat(cg.readKey("memory.stat", cg.version() == 1 ? "rss" : "anon")).isPresent();

      assertThat(cg.destroy(Duration.ofSeconds(10))).isTrue();

      assertThat(cg.exists()).isFalse();
      assertThat(p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      for (long other : inside) {
        assertThat(running(other)).as("pid " + other).isFalse();
      }
    } finally {
      if (p != null) {
        p.destroyForcibly();
      }
      Cgroup.at(memory.version(), memory.below(parent)).destroy(Duration.ofSeconds(10));
    }
    assertThat(memory.below(parent)).doesNotExist();
  }

  /** Alive and not a zombie (a killed orphan stays a zombie until whoever adopted it reaps it). */
  private static boolean running(long pid) throws java.io.IOException {
    Path stat = Path.of("/proc", Long.toString(pid), "stat");
    if (!Files.exists(stat)) {
      return false;
    }
    String s = Files.readString(stat);
    char state = s.charAt(s.lastIndexOf(')') + 2);
    return state != 'Z' && state != 'X';
  }

  @Test
  void v2DelegatesTheControllerDownFromTheAgentsCgroup(@TempDir Path root) throws Exception {
    Path own = Files.createDirectories(root.resolve("sys/fs/cgroup/system.slice/agent.service"));
    Files.writeString(own.resolve("cgroup.subtree_control"), "");
    CgroupLayout.Hierarchy h = new CgroupLayout.Hierarchy(2, root.resolve("sys/fs/cgroup"), own);

    Cgroup cg = Cgroup.create(h, "corral/A1/c1", "memory");

    assertThat(cg.dir()).isEqualTo(own.resolve("corral/A1/c1")).isDirectory();
    assertThat(Files.readString(own.resolve("cgroup.subtree_control"))).isEqualTo("+memory");
    assertThat(cg.readLong("memory.max")).as("no such file in a fake tree").isEmpty();
  }

  @Test
  void neverAtOrAboveTheAgentsOwnCgroup(@TempDir Path root) {
    CgroupLayout.Hierarchy h = new CgroupLayout.Hierarchy(1, root, root.resolve("agent"));
    for (String bad : List.of("", ".", "..", "../other", "x/../../y")) {
      assertThatThrownBy(() -> Cgroup.create(h, bad, "memory")).as(bad).isInstanceOf(IllegalArgumentException.class);
    }
  }
}
