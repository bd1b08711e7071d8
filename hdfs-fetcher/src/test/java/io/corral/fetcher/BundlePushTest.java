package io.corral.fetcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code corral bundle push} to a shared file system; HDFS targets are tested with a real HDFS by the bridges. */
class BundlePushTest {
  private static final HdfsSupport NO_HDFS = HdfsSupport.java("java", "/nowhere", java.util.Map.of());

  @Test
  void aDirectoryIsPackedAndAFileCopiedAsItIsLeavingNothingBehind(@TempDir Path tmp) throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("bundle/bin"));
    Files.writeString(dir.resolve("run.sh"), "#!/bin/sh\necho hi\n");
    Path published = tmp.resolve("published");

    BundlePush.push(tmp.resolve("bundle"), published.resolve("b.tar.gz").toString(), NO_HDFS, Duration.ofMinutes(1));
    Path unpacked = Files.createDirectories(tmp.resolve("unpacked"));
    Archives.extract("b.tar.gz", published.resolve("b.tar.gz"), Archives.Format.TAR_GZ, unpacked, 1 << 20);
    assertThat(unpacked.resolve("bin/run.sh")).hasContent("#!/bin/sh\necho hi");

    BundlePush.push(dir.resolve("run.sh"), published.resolve("run.sh").toUri().toString(), NO_HDFS,
        Duration.ofMinutes(1));
    assertThat(published.resolve("run.sh")).hasSameTextualContentAs(dir.resolve("run.sh"));
    try (var files = Files.list(published)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("b.tar.gz", "run.sh");
    }
  }

  @Test
  void aMissingSourceOrATargetNoAgentFetchesFromIsRefusedWithTheReason(@TempDir Path tmp) throws Exception {
    assertThatThrownBy(() -> BundlePush.push(tmp.resolve("nope"), tmp.resolve("b").toString(), NO_HDFS,
        Duration.ofMinutes(1))).isInstanceOf(IllegalArgumentException.class).hasMessage("no such file: "
        + tmp.resolve("nope"));
    Files.writeString(tmp.resolve("f"), "x");
    assertThatThrownBy(() -> BundlePush.push(tmp.resolve("f"), "http://example.invalid/b.tar.gz", NO_HDFS,
        Duration.ofMinutes(1))).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("cannot push to 'http://example.invalid/b.tar.gz': use hdfs://, webhdfs://, file:// or an "
            + "absolute path");
  }
}
