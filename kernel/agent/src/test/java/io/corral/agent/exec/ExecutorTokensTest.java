package io.corral.agent.exec;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExecutorTokensTest {
  @TempDir Path work;

  @Test
  void aTokenProvesOneContainerAndSurvivesARestartOfTheAgent() throws Exception {
    ExecutorTokens tokens = ExecutorTokens.in(work);
    String t = tokens.token("c-1");
    assertThat(tokens.matches("c-1", t)).isTrue();
    assertThat(tokens.matches("c-2", t)).as("another container's token").isFalse();
    assertThat(tokens.matches("c-1", "")).isFalse();
    assertThat(tokens.matches("c-1", t.substring(1))).isFalse();
    assertThat(ExecutorTokens.in(work).matches("c-1", t)).as("the same key after a restart").isTrue();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(work.resolve(ExecutorTokens.KEY_FILE))))
        .isEqualTo("rw-------");
  }

  @Test
  void anotherAgentsKeyMakesOtherTokens(@TempDir Path other) throws Exception {
    assertThat(ExecutorTokens.in(other).token("c-1")).isNotEqualTo(ExecutorTokens.in(work).token("c-1"));
  }

  @Test
  void theOwnerOfAFrameworksSandboxesIsRecordedOnce() throws Exception {
    Sandboxes.recordOwner(work, "fw-1", "alice");
    Sandboxes.recordOwner(work, "fw-1", "mallory");
    assertThat(Sandboxes.owner(work, io.corral.common.task.PathNames.of("fw-1"))).isEqualTo("alice");
    assertThat(Sandboxes.owner(work, "unknown")).isEmpty();
    assertThat(Sandboxes.owner(work, "../../etc")).isEmpty();
  }
}
