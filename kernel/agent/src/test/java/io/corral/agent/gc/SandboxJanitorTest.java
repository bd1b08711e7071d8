package io.corral.agent.gc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SandboxJanitorTest {
  private static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");
  @TempDir Path work;

  private Path run(String fw, String executor, String run, Instant finished) throws Exception {
    Path dir = work.resolve("frameworks").resolve(fw).resolve("executors").resolve(executor).resolve("runs")
        .resolve(run).toAbsolutePath().normalize();
    Files.createDirectories(dir.resolve("tasks/t1"));
    Files.writeString(dir.resolve("stdout"), "out");
    Files.setLastModifiedTime(dir.resolve("stdout"), FileTime.from(finished));
    Files.setLastModifiedTime(dir.resolve("tasks"), FileTime.from(finished));
    Files.setLastModifiedTime(dir, FileTime.from(finished));
    return dir;
  }

  private SandboxJanitor janitor(AtomicReference<Double> usage) {
    return new SandboxJanitor(work, new SandboxJanitor.Settings(Duration.ofDays(7), 0.1, 1024, 3),
        Clock.fixed(NOW, ZoneOffset.UTC), usage::get);
  }

  @Test
  void removesFinishedSandboxesAfterTheDelayAndSoonerAsTheDiskFills() throws Exception {
    AtomicReference<Double> usage = new AtomicReference<>(0.0);
    Path old = run("f1", "e1", "r1", NOW.minus(Duration.ofDays(8)));
    Path recent = run("f1", "e2", "r1", NOW.minus(Duration.ofDays(2)));
    Path liveButOld = run("f2", "e1", "r1", NOW.minus(Duration.ofDays(30)));
    SandboxJanitor j = janitor(usage);
    assertThat(j.currentDelay()).isEqualTo(Duration.ofDays(7).multipliedBy(9).dividedBy(10));

    assertThat(j.collect(Set.of(liveButOld))).containsExactly(old);
    assertThat(old).doesNotExist();
    assertThat(old.getParent().getParent()).doesNotExist(); // its executor's directory went with it
    assertThat(recent).exists();
    assertThat(liveButOld).exists();

    usage.set(0.7); // 7 d x (1 - 0.1 - 0.7) = 1.4 d: the 2-day-old sandbox goes
    assertThat(j.collect(Set.of(liveButOld))).containsExactly(recent);
    assertThat(work.resolve("frameworks/f1")).doesNotExist();
    usage.set(0.95); // below the headroom: everything that does not run goes at once
    Path fresh = run("f3", "e1", "r1", NOW);
    assertThat(j.currentDelay()).isZero();
    assertThat(j.collect(Set.of(liveButOld))).containsExactly(fresh);
    assertThat(liveButOld).exists(); // never a live one
  }

  @Test
  void removesReadOnlyTreesAndLeavesLinkTargetsAlone() throws Exception {
    AtomicReference<Double> usage = new AtomicReference<>(0.95);
    Path outside = Files.writeString(work.resolve("outside.txt"), "keep me");
    Path run = run("f1", "e1", "r1", NOW.minus(Duration.ofDays(1)));
    Path ro = Files.createDirectories(run.resolve("bundle/lib"));
    Files.writeString(ro.resolve("a.jar"), "x");
    Files.createSymbolicLink(run.resolve("tasks/t1/link"), outside);
    Files.setLastModifiedTime(run.resolve("bundle"), FileTime.from(NOW.minus(Duration.ofDays(1))));
    Files.setLastModifiedTime(run, FileTime.from(NOW.minus(Duration.ofDays(1))));
    ro.toFile().setWritable(false);
    run.resolve("bundle").toFile().setWritable(false);
    assertThat(janitor(usage).collect(Set.of())).containsExactly(run);
    assertThat(run).doesNotExist();
    assertThat(outside).hasContent("keep me");
  }

  @Test
  void rotatesBigLogsOfLiveSandboxesKeepingTheWriterAppending() throws Exception {
    AtomicReference<Double> usage = new AtomicReference<>(0.0);
    Path run = run("f1", "e1", "r1", NOW);
    Path stdout = run.resolve("stdout");
    Path taskErr = run.resolve("tasks/t1/stderr");
    try (OutputStream out = Files.newOutputStream(stdout, StandardOpenOption.APPEND)) {
      SandboxJanitor j = janitor(usage);
      for (int round = 1; round <= 4; round++) {
        out.write(("round " + round + "\n").repeat(200).getBytes(StandardCharsets.UTF_8)); // > 1 KiB
        out.flush();
        Files.writeString(taskErr, "e".repeat(2000));
        assertThat(j.rotate(Set.of(run))).containsExactlyInAnyOrder(stdout, taskErr);
        assertThat(stdout).isEmptyFile();
      }
      // the writer goes on at the start of the truncated file
      out.write("after\n".getBytes(StandardCharsets.UTF_8));
      out.flush();
      assertThat(stdout).hasContent("after");
      assertThat(j.rotate(Set.of(run))).isEmpty(); // small again
    }
    assertThat(run.resolve("stdout.1")).content().startsWith("round 4");
    assertThat(run.resolve("stdout.2")).content().startsWith("round 3");
    assertThat(run.resolve("stdout.3")).doesNotExist(); // 3 files kept, the live one included
    assertThat(run.resolve("tasks/t1/stderr.1")).exists();
  }

  @Test
  void linksATaskPutInPlaceOfItsLogsAreNotFollowed() throws Exception {
    // A task that owns its sandbox could point its log at a file of the agent's (root's).
    Path run = run("f1", "e1", "r1", NOW);
    Path precious = Files.writeString(work.resolve("precious"), "x".repeat(5000));
    Files.delete(run.resolve("stdout"));
    Files.createSymbolicLink(run.resolve("stdout"), precious);
    Files.writeString(run.resolve("stderr"), "e".repeat(2000));
    Files.createSymbolicLink(run.resolve("stderr.1"), precious);
    Path hardLinked = Files.writeString(work.resolve("hard"), "h".repeat(5000));
    Files.createLink(run.resolve("tasks/t1/stdout"), hardLinked);

    SandboxJanitor j = janitor(new AtomicReference<>(0.0));
    assertThat(j.rotate(Set.of(run))).containsExactly(run.resolve("stderr"));

    assertThat(precious).hasContent("x".repeat(5000));
    assertThat(hardLinked).hasContent("h".repeat(5000));
    assertThat(Files.isSymbolicLink(run.resolve("stderr.1"))).isFalse();
    assertThat(run.resolve("stderr.1")).hasContent("e".repeat(2000));
  }
}
