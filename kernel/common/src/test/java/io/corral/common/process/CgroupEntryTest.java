package io.corral.common.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CgroupEntryTest {
  @Test
  void theCommandRunsInTheSameProcessThatEnteredEveryCgroup(@TempDir Path dir) throws Exception {
    Path a = Files.createFile(dir.resolve("a.procs"));
    Path b = Files.createFile(dir.resolve("b.procs"));
    Process p = new ProcessBuilder(CgroupEntry.wrap(List.of(a.toString(), b.toString()),
        List.of("sh", "-c", "echo \"$$ $0 $1\"", "zero", "has spaces")))
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes()).trim();
    assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();

    assertThat(p.exitValue()).isZero();
    assertThat(out).isEqualTo(p.pid() + " zero has spaces");
    assertThat(Files.readString(a).trim()).isEqualTo(Long.toString(p.pid()));
    assertThat(Files.readString(b).trim()).isEqualTo(Long.toString(p.pid()));
  }

  @Test
  void aCgroupThatCannotBeEnteredStopsItBeforeTheCommandRuns(@TempDir Path dir) throws Exception {
    Path ran = dir.resolve("ran");
    Process p = new ProcessBuilder(CgroupEntry.wrap(List.of(dir.resolve("no/such/cgroup.procs").toString()),
        List.of("touch", ran.toString()))).start();
    String err = new String(p.getErrorStream().readAllBytes());
    assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();

    assertThat(p.exitValue()).isEqualTo(CgroupEntry.CANNOT_ENTER);
    assertThat(err).contains("corral: cannot enter cgroup " + dir.resolve("no/such/cgroup.procs"));
    assertThat(ran).doesNotExist();
  }

  @Test
  void withoutCgroupsTheCommandIsUnchanged() {
    assertThat(CgroupEntry.wrap(List.of(), List.of("true"))).containsExactly("true");
    assertThat(CgroupEntry.parse("/a/cgroup.procs::/b/cgroup.procs")).containsExactly("/a/cgroup.procs", "/b/cgroup.procs");
    assertThat(CgroupEntry.parse(null)).isEmpty();
  }
}
