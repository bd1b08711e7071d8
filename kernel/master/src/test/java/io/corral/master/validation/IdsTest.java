package io.corral.master.validation;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IdsTest {

  @ParameterizedTest
  @ValueSource(strings = {"t1", "task-0001", "my.task_2:3", "a..b", ".hidden", "tâche-ü", "x@y+z"})
  void reasonableIdsAreAccepted(String id) {
    assertThat(Ids.problem("task", id)).isNull();
  }

  @Test
  void emptyAndMissingIdsAreRefused() {
    assertThat(Ids.problem("task", "")).isEqualTo("task id is empty");
    assertThat(Ids.problem("executor", null)).isEqualTo("executor id is empty");
  }

  @Test
  void theLengthLimitIsInclusive() {
    assertThat(Ids.problem("task", "a".repeat(Ids.MAX_LENGTH))).isNull();
    assertThat(Ids.problem("task", "a".repeat(Ids.MAX_LENGTH + 1)))
        .isEqualTo("task id is longer than 255 characters");
  }

  @Test
  void dotAndDotDotAreRefusedBecauseIdsNameSandboxDirectories() {
    assertThat(Ids.problem("task", ".")).isEqualTo("task id '.' is not allowed");
    assertThat(Ids.problem("task", "..")).isEqualTo("task id '..' is not allowed");
  }

  @ParameterizedTest
  @ValueSource(strings = {"a/b", "/", "a\\b", "a b", " a", "a\t", "a\nb", "a\rb", "a\u0000b", "a\u007fb", "a\u2003b"})
  void separatorsWhitespaceAndControlCharactersAreRefused(String id) {
    assertThat(Ids.problem("agent", id))
        .startsWith("agent id '")
        .endsWith("contains '/', '\\', whitespace or a control character");
  }

  @Test
  void messagesShowControlCharactersAsQuestionMarksAndTruncateLongIds() {
    assertThat(Ids.problem("task", "bad\u0000id")).contains("'bad?id'");
    String longBad = "x".repeat(100) + "/";
    assertThat(Ids.printable(longBad)).hasSize(83).endsWith("...");
  }
}
