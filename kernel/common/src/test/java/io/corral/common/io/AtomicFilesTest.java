package io.corral.common.io;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
  @Test
  void writeReplacesTheFileAndLeavesNoTempFile(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("a/b/value");
    AtomicFiles.write(f, "one".getBytes(UTF_8));
    AtomicFiles.write(f, "two".getBytes(UTF_8));

    assertThat(Files.readString(f)).isEqualTo("two");
    assertThat(tempFiles(dir)).isZero();
  }

  @Test
  void writeAllWritesNewFilesAndReplacesOldOnesInSeveralDirectories(@TempDir Path dir) throws Exception {
    AtomicFiles.write(dir.resolve("x/0"), "old".getBytes(UTF_8));
    Map<Path, byte[]> files = new LinkedHashMap<>();
    for (int i = 0; i < 50; i++) {
      files.put(dir.resolve((i % 2 == 0 ? "x/" : "y/z/") + i), ("v" + i).getBytes(UTF_8));
    }

    AtomicFiles.writeAll(files);

    assertThat(Files.readString(dir.resolve("x/0"))).isEqualTo("v0");
    assertThat(Files.readString(dir.resolve("y/z/49"))).isEqualTo("v49");
    try (Stream<Path> x = Files.list(dir.resolve("x")); Stream<Path> y = Files.list(dir.resolve("y/z"))) {
      assertThat(x.count() + y.count()).isEqualTo(50);
    }
    assertThat(tempFiles(dir)).isZero();
  }

  private static long tempFiles(Path dir) throws Exception {
    try (Stream<Path> all = Files.walk(dir)) {
      return all.filter(p -> p.getFileName().toString().endsWith(AtomicFiles.TEMP_SUFFIX)).count();
    }
  }
}
