package io.corral.agent.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.corral.http.ApiException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SandboxFilesTest {
  @TempDir Path work;
  private SandboxFiles files;
  private Path run;

  @BeforeEach
  void sandboxes() throws Exception {
    run = work.resolve("frameworks/f1/executors/corral%3Acommand/runs/r1");
    Files.createDirectories(run.resolve("tasks/t1"));
    Files.writeString(run.resolve("tasks/t1/stdout"), "0123456789", StandardCharsets.UTF_8);
    Files.writeString(work.resolve("secret"), "not yours");
    files = new SandboxFiles(work);
  }

  private static int status(Runnable r) {
    try {
      r.run();
      return 200;
    } catch (ApiException e) {
      return e.status();
    }
  }

  @Test
  void readsPiecesOfAFile() {
    SandboxFiles.Chunk c = files.read("f1/executors/corral%3Acommand/runs/r1/tasks/t1/stdout", 3, 4);
    assertThat(c.data()).isEqualTo("3456");
    assertThat(c.size()).isEqualTo(10);
    assertThat(files.read("f1/executors/corral%3Acommand/runs/r1/tasks/t1/stdout", 99, 4).length()).isZero();
    assertThat(files.read("f1/executors/corral%3Acommand/runs/r1/tasks/t1/stdout", -1, 4).offset()).isEqualTo(10);
  }

  @Test
  void findsATasksSandboxAndListsIt() {
    SandboxFiles.Sandbox s = files.sandboxOf("f1", "t1", null).orElseThrow();
    assertThat(s.path()).isEqualTo("f1/executors/corral%3Acommand/runs/r1/tasks/t1");
    assertThat(files.browse(s.path())).extracting(SandboxFiles.Entry::name).containsExactly("stdout");
    assertThat(files.browse(s.path()).get(0).path()).isEqualTo(s.path() + "/stdout");
    assertThat(files.sandboxOf("f1", "t2", null)).isEmpty();
    assertThat(files.sandboxOf("f2", "t1", null)).isEmpty();
  }

  @Test
  void theFrameworkAPathNamesIsReadFromThePathAloneWhetherOrNotItExists() {
    assertThat(files.frameworkDirNamed("f1/executors/corral%3Acommand/runs/r1/tasks/t1/stdout")).isEqualTo("f1");
    assertThat(files.frameworkDirNamed("./f2/no/such/file")).isEqualTo("f2");
    assertThat(files.frameworkDirNamed(".")).isEmpty();
    assertThat(status(() -> files.frameworkDirOf("f2/no/such/file"))).isEqualTo(404); // resolving tells
    assertThat(status(() -> files.frameworkDirNamed("../secret"))).isEqualTo(403);
    assertThat(status(() -> files.frameworkDirNamed("/etc/passwd"))).isEqualTo(403);
    assertThat(status(() -> files.frameworkDirNamed(""))).isEqualTo(400);
  }

  @Test
  void refusesEveryWayOut() throws Exception {
    Files.createSymbolicLink(run.resolve("out"), work);
    Files.createSymbolicLink(run.resolve("passwd"), Path.of("/etc/passwd"));
    String base = "f1/executors/corral%3Acommand/runs/r1/";
    assertThat(status(() -> files.read("../secret", 0, 10))).isEqualTo(403);
    assertThat(status(() -> files.read(base + "../../../../../secret", 0, 10))).isEqualTo(403);
    assertThat(status(() -> files.read(work.resolve("secret").toString(), 0, 10))).isEqualTo(403);
    assertThat(status(() -> files.read(base + "out/secret", 0, 10))).isEqualTo(403);
    assertThat(status(() -> files.read(base + "passwd", 0, 10))).isEqualTo(403);
    assertThat(status(() -> files.browse(base + "out"))).isEqualTo(403);
    assertThat(status(() -> files.read("f1\0/x", 0, 10))).isEqualTo(400);
    assertThat(status(() -> files.read(base + "missing", 0, 10))).isEqualTo(404);
    assertThat(status(() -> files.read(base + "tasks", 0, 10))).isEqualTo(400);
    assertThat(files.sandboxOf("..", "t1", null)).isEmpty(); // ids are encoded: ".." is a name, not a step up
    assertThat(files.sandboxOf("../../..", "t1", null)).isEmpty();
  }

  @Test
  void aDirectorySwappedForALinkAfterTheCheckIsNotFollowed() throws Exception {
    // A task owns its sandbox: between the agent's check and its open, it may swap a directory for a link.
    Path real = files.resolve("f1/executors/corral%3Acommand/runs/r1/tasks/t1/stdout");
    Files.createDirectories(work.resolve("elsewhere"));
    Files.writeString(work.resolve("elsewhere/stdout"), "not yours");
    Files.move(run.resolve("tasks/t1"), run.resolve("tasks/t1-moved"));
    Files.createSymbolicLink(run.resolve("tasks/t1"), work.resolve("elsewhere"));

    org.assertj.core.api.Assertions.assertThatThrownBy(() -> files.openResolved(real).close())
        .isInstanceOf(java.io.IOException.class);
    assertThat(status(() -> files.read("f1/executors/corral%3Acommand/runs/r1/tasks/t1/stdout", 0, 10)))
        .isEqualTo(403); // and a new request sees the link
  }

  @Test
  void aFifoIsSaidToBeOneAndNeverOpened() throws Exception {
    Path fifo = run.resolve("tasks/t1/pipe");
    assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
    String rel = "f1/executors/corral%3Acommand/runs/r1/tasks/t1/pipe";
    // Opening a FIFO for reading blocks until a writer comes: these must answer at once.
    org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(10), () -> {
      assertThatThrownBy(() -> files.read(rel, 0, 10)).isInstanceOf(ApiException.class)
          .hasMessage(rel + " is a FIFO (named pipe), not a regular file").extracting("status").isEqualTo(400);
      assertThatThrownBy(() -> files.open(rel)).hasMessage(rel + " is a FIFO (named pipe), not a regular file");
      assertThatThrownBy(() -> files.browse(rel)).hasMessage(rel + " is a FIFO (named pipe), not a directory");
    });
    assertThatThrownBy(() -> files.read("f1/executors/corral%3Acommand/runs/r1/tasks", 0, 10))
        .hasMessageEndingWith("tasks is a directory, not a regular file");
    assertThat(files.browse("f1/executors/corral%3Acommand/runs/r1/tasks/t1"))
        .filteredOn(e -> e.name().equals("pipe")).singleElement()
        .satisfies(e -> {
          assertThat(e.type()).isEqualTo("fifo");
          assertThat(e.dir()).isFalse();
          assertThat(e.mode()).startsWith("p");
        });
  }

  @Test
  void everyLinkOutOfTheSandboxesIsAnsweredAlikeWhetherOrNotItsTargetExists() throws Exception {
    String base = "f1/executors/corral%3Acommand/runs/r1/";
    Path missing = work.resolve("no-such-dir/no-such-file");
    Files.createSymbolicLink(run.resolve("host-file"), Path.of("/etc/passwd"));
    Files.createSymbolicLink(run.resolve("host-missing"), Path.of("/nonexistent/x"));
    Files.createSymbolicLink(run.resolve("work-file"), work.resolve("secret"));
    Files.createSymbolicLink(run.resolve("work-missing"), missing);
    Files.createSymbolicLink(run.resolve("up-file"), Path.of("../../../../../../secret"));
    Files.createSymbolicLink(run.resolve("up-missing"), Path.of("../../../../../../no-such-file"));
    Files.createSymbolicLink(run.resolve("host-dir"), Path.of("/etc"));
    Files.createSymbolicLink(run.resolve("host-no-dir"), Path.of("/no-such-dir"));
    for (String link : java.util.List.of("host-file", "host-missing", "work-file", "work-missing", "up-file",
        "up-missing", "host-dir/passwd", "host-no-dir/passwd", "host-dir/no-such-file")) {
      for (java.util.function.Consumer<String> call : java.util.List.<java.util.function.Consumer<String>>of(
          p -> files.read(p, 0, 10), files::open, files::browse, files::frameworkDirOf)) {
        assertThatThrownBy(() -> call.accept(base + link)).as(link).isInstanceOf(ApiException.class)
            .hasMessage("path leads out of the sandboxes (through a symbolic link)")
            .extracting("status").isEqualTo(403);
      }
    }
  }

  @Test
  void linksInsideAreFollowedAndDanglingOnesAreMissing() throws Exception {
    String base = "f1/executors/corral%3Acommand/runs/r1/";
    Files.createSymbolicLink(run.resolve("out"), Path.of("tasks/t1/stdout"));
    Files.createSymbolicLink(run.resolve("t1"), run.resolve("tasks/t1")); // absolute, inside
    Files.createSymbolicLink(run.resolve("tasks/t1/up"), Path.of("../../tasks/t1/stdout"));
    Files.createSymbolicLink(run.resolve("gone"), Path.of("tasks/t1/nothing-here"));
    Files.createSymbolicLink(run.resolve("loop"), Path.of("loop"));
    assertThat(files.read(base + "out", 0, 4).data()).isEqualTo("0123");
    assertThat(files.read(base + "t1/stdout", 2, 2).data()).isEqualTo("23");
    assertThat(files.read(base + "tasks/t1/up", 0, 1).data()).isEqualTo("0");
    assertThat(files.browse(base + "t1")).extracting(SandboxFiles.Entry::name).contains("stdout", "up");
    assertThat(status(() -> files.read(base + "gone", 0, 1))).isEqualTo(404);
    assertThat(status(() -> files.read(base + "loop", 0, 1))).isEqualTo(400);
  }

  @Test
  void browseShowsALinkAsALinkNotItsTarget() throws Exception {
    Files.createSymbolicLink(run.resolve("passwd"), Path.of("/etc/passwd"));
    Files.createSymbolicLink(run.resolve("logs"), Path.of("tasks/t1"));
    java.util.Map<String, SandboxFiles.Entry> byName = new java.util.HashMap<>();
    files.browse("f1/executors/corral%3Acommand/runs/r1").forEach(e -> byName.put(e.name(), e));
    SandboxFiles.Entry passwd = byName.get("passwd");
    assertThat(passwd.type()).isEqualTo("link");
    assertThat(passwd.target()).isEqualTo("/etc/passwd");
    assertThat(passwd.dir()).isFalse();
    assertThat(passwd.mode()).startsWith("l");
    assertThat(passwd.size()).isEqualTo("/etc/passwd".length()); // the link's own size, not /etc/passwd's
    assertThat(passwd.mtime()).isEqualTo(Files.getLastModifiedTime(run.resolve("passwd"),
        java.nio.file.LinkOption.NOFOLLOW_LINKS).toMillis() / 1000.0);
    SandboxFiles.Entry logs = byName.get("logs");
    assertThat(logs.type()).isEqualTo("link");
    assertThat(logs.dir()).isFalse();
    assertThat(logs.target()).isEqualTo("tasks/t1");
    SandboxFiles.Entry tasks = byName.get("tasks");
    assertThat(tasks.type()).isEqualTo("directory");
    assertThat(tasks.dir()).isTrue();
    assertThat(tasks.mode()).startsWith("d");
    assertThat(tasks.target()).isNull();
  }
}
