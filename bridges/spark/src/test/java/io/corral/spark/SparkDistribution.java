package io.corral.spark;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/** Packs a Spark installation's jars the way a Spark distribution holds them, as a plain tar. */
final class SparkDistribution {
  private SparkDistribution() {}

  /** Writes {@code jars}' files under {@code prefix} (e.g. {@code spark-4.0.2-bin/jars}) into {@code tar}. */
  static void tar(Path jars, String prefix, Path tar) throws IOException {
    try (OutputStream file = Files.newOutputStream(tar); TarArchiveOutputStream out = new TarArchiveOutputStream(file);
        var list = Files.list(jars)) {
      out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      for (Path jar : list.sorted().toList()) {
        TarArchiveEntry e = new TarArchiveEntry(jar.toFile(), prefix + "/" + jar.getFileName());
        out.putArchiveEntry(e);
        Files.copy(jar, out);
        out.closeArchiveEntry();
      }
    }
  }
}
