package io.corral.bridges.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;

/** Work directories of the bridges' end-to-end tests and benchmarks. */
public final class TestDirs {
  private TestDirs() {}

  /** {@code dir}, emptied (whatever an earlier run left) and created; absolute. */
  public static Path fresh(Path dir) throws IOException {
    Path d = dir.toAbsolutePath();
    if (Files.exists(d)) {
      try (var paths = Files.walk(d)) {
        for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
    return Files.createDirectories(d);
  }

  /** {@code <corral.test.tmp or target/it-tmp>/<name>}, emptied and created. */
  public static Path fresh(String name) throws IOException {
    return fresh(Path.of(System.getProperty("corral.test.tmp", "target/it-tmp")).resolve(name));
  }
}
