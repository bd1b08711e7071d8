package io.corral.common.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileTailTest {
  @TempDir Path dir;

  @Test
  void aShortFileIsReturnedWholeAndStripped() throws Exception {
    Path f = Files.writeString(dir.resolve("stderr"), "\n  error: no such file\n\n");
    assertThat(FileTail.of(f, 1024)).isEqualTo("error: no such file");
  }

  @Test
  void aLongFileKeepsItsEndBehindAnEllipsis() throws Exception {
    Path f = Files.writeString(dir.resolve("stderr"), "a".repeat(5000) + "THE END");
    String tail = FileTail.of(f, 10);
    assertThat(tail).isEqualTo("...aaaTHE END");
  }

  @Test
  void aFileOfExactlyMaxBytesHasNoEllipsis() throws Exception {
    Path f = Files.writeString(dir.resolve("stderr"), "0123456789");
    assertThat(FileTail.of(f, 10)).isEqualTo("0123456789");
  }

  @Test
  void missingOrEmptyFilesGiveAnEmptyString() throws Exception {
    assertThat(FileTail.of(dir.resolve("nope"), 100)).isEmpty();
    assertThat(FileTail.of(Files.createFile(dir.resolve("empty")), 100)).isEmpty();
    assertThat(FileTail.of(dir, 100)).as("a directory").isEmpty();
  }
}
