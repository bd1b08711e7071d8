package io.corral.agent.http;

import static org.assertj.core.api.Assertions.assertThat;

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
}

