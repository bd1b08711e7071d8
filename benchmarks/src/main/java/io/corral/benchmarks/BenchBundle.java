package io.corral.benchmarks;

import io.corral.fetcher.BundlePacker;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.SplittableRandom;

/**
 * The bundle {@link FetchBenchmark} fetches, shaped like an executor's: {@code lib/} with jar-sized
 * files of random bytes (so gzip barely shrinks them and the .tar.gz stays as large as the tree),
 * a start script and a few small text files.
 *
 * @param dir the unpacked tree
 * @param archive {@code dir} packed by {@link BundlePacker#pack} as .tar.gz
 * @param files regular files in the tree
 * @param treeBytes bytes of those files
 */
record BenchBundle(Path dir, Path archive, int files, long treeBytes) {
  private static final String RUN_SH = """
      #!/bin/sh
      # Starts the executor: every jar in lib/ on the classpath.
      cd "$(dirname "$0")/.." || exit 1
      exec java -cp 'lib/*' -Dconfig=conf/executor.properties example.Executor "$@"
      """;

  /** Writes {@code jars} files of {@code jarBytes} random bytes each (fixed seed), and the rest, under {@code parent}. */
  static BenchBundle make(Path parent, int jars, int jarBytes) throws IOException {
    Path dir = Files.createDirectories(parent.resolve("bundle"));
    Path lib = Files.createDirectories(dir.resolve("lib"));
    SplittableRandom random = new SplittableRandom(20261125L);
    byte[] content = new byte[jarBytes];
    long bytes = 0;
    for (int i = 0; i < jars; i++) {
      random.nextBytes(content);
      try (OutputStream out = Files.newOutputStream(lib.resolve(String.format("part-%03d.jar", i)))) {
        out.write(content);
      }
      bytes += content.length;
    }
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Path run = bin.resolve("run.sh");
    bytes += write(run, RUN_SH);
    Files.setPosixFilePermissions(run, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path conf = Files.createDirectories(dir.resolve("conf"));
    bytes += write(conf.resolve("executor.properties"), "threads=4\nheartbeat.seconds=5\nwork.dir=./work\n");
    bytes += write(conf.resolve("logback.xml"), "<configuration>\n  <root level=\"INFO\"/>\n</configuration>\n");
    bytes += write(dir.resolve("README.txt"), "An executor bundle for the fetch benchmark. Start it with bin/run.sh.\n");
    bytes += write(dir.resolve("VERSION"), "1.0.0\n");
    Path archive = parent.resolve("bundle.tar.gz");
    BundlePacker.pack(dir, archive);
    return new BenchBundle(dir, archive, jars + 5, bytes);
  }

  private static long write(Path file, String text) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    Files.write(file, bytes);
    return bytes.length;
  }

  long archiveBytes() throws IOException {
    return Files.size(archive);
  }
}
