package io.corral.master.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A document in a file: none until written, then the last write, replaced whole with nothing left beside it. */
class FileDocumentTest {
  @TempDir
  Path dir;

  @Test
  void theFileHoldsTheLastWriteAndSaysWhereItIs() throws Exception {
    Path path = dir.resolve("work").resolve("doc.json");
    FileDocument file = new FileDocument(path);
    assertThat(file.read()).as("never written").isEmpty();
    assertThat(file.where()).isEqualTo(path.toString());

    file.write(bytes("{\"n\": 1}")).get();
    file.write(bytes("{\"n\": 2}")).get();
    assertThat(new FileDocument(path).read()).hasValueSatisfying(
        d -> assertThat(new String(d, StandardCharsets.UTF_8)).isEqualTo("{\"n\": 2}"));
    try (var files = Files.list(path.getParent())) {
      assertThat(files).as("no temp file left").containsExactly(path);
    }
  }

  @Test
  void aFileThatCannotBeWrittenFailsTheWriteNamingIt() throws IOException {
    Files.writeString(dir.resolve("work"), "a file where the work dir should be");
    Path path = dir.resolve("work").resolve("doc.json");
    assertThatThrownBy(() -> new FileDocument(path).write(bytes("{}")).get()).isInstanceOf(ExecutionException.class)
        .cause().isInstanceOf(IOException.class).hasMessageStartingWith("could not write " + path + ": ");
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
