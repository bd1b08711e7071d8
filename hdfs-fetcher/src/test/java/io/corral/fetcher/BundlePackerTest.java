package io.corral.fetcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BundlePackerTest {
  @TempDir
  Path tmp;
  Path bundle;

  @BeforeEach
  void makeBundle() throws IOException {
    bundle = Files.createDirectory(tmp.resolve("bundle"));
    Files.createDirectories(bundle.resolve("bin"));
    Files.createDirectories(bundle.resolve("lib/native"));
    Files.createDirectories(bundle.resolve("empty"));
    Files.writeString(bundle.resolve("bin/start"), "#!/bin/sh\nexec java -jar lib/app.jar\n");
    Files.setPosixFilePermissions(bundle.resolve("bin/start"), Trees.permissions(0750));
    Files.write(bundle.resolve("lib/app.jar"), new byte[100_000]);
    Files.writeString(bundle.resolve("lib/native/libx.so.1"), "elf");
    Files.createSymbolicLink(bundle.resolve("lib/native/libx.so"), Paths.get("libx.so.1"));
    Files.createSymbolicLink(bundle.resolve("start"), Paths.get("bin/start"));
    Files.setLastModifiedTime(bundle.resolve("lib/app.jar"), FileTime.fromMillis(1_600_000_000_000L));
  }

  @Test
  void roundTripsThroughTheExtractor() throws Exception {
    Path target = tmp.resolve("out/bundle.tar.gz");
    BundlePacker.pack(bundle, target);

    assertThat(entryNames(target)).containsExactly("bin/", "bin/start", "empty/", "lib/", "lib/app.jar",
        "lib/native/", "lib/native/libx.so", "lib/native/libx.so.1", "start");
    Path sandbox = Files.createDirectory(tmp.resolve("sandbox"));
    Archives.Extracted extracted = Archives.extract("bundle", target, Archives.Format.TAR_GZ, sandbox, 1 << 20);

    assertThat(extracted.files()).isEqualTo(5);
    assertThat(sandbox.resolve("bin/start")).hasSameTextualContentAs(bundle.resolve("bin/start"));
    assertThat(ArchivesTest.mode(sandbox.resolve("bin/start"))).isEqualTo(0750);
    assertThat(sandbox.resolve("lib/app.jar")).hasSize(100_000);
    assertThat(Files.getLastModifiedTime(sandbox.resolve("lib/app.jar")).toMillis()).isEqualTo(1_600_000_000_000L);
    assertThat(Files.readSymbolicLink(sandbox.resolve("start"))).isEqualTo(Paths.get("bin/start"));
    assertThat(Files.readSymbolicLink(sandbox.resolve("lib/native/libx.so"))).isEqualTo(Paths.get("libx.so.1"));
    assertThat(sandbox.resolve("empty")).isEmptyDirectory();
    assertThat(tmp.resolve("out")).isDirectoryNotContaining("glob:**.partial");
  }

  @Test
  void packsASingleFile() throws Exception {
    Path target = tmp.resolve("one.tar.gz");
    BundlePacker.pack(bundle.resolve("lib/app.jar"), target);
    assertThat(entryNames(target)).containsExactly("app.jar");
  }

  @Test
  void refusesLinksOutOfTheBundle() throws Exception {
    Files.createSymbolicLink(bundle.resolve("java"), Paths.get("/usr/bin/java"));
    assertThatThrownBy(() -> BundlePacker.pack(bundle, tmp.resolve("b.tar.gz")))
        .isInstanceOf(IOException.class).hasMessageContaining("the symbolic link java -> /usr/bin/java points outside");
    Files.delete(bundle.resolve("java"));
    Files.createSymbolicLink(bundle.resolve("up"), Paths.get("../.."));
    assertThatThrownBy(() -> BundlePacker.pack(bundle, tmp.resolve("b.tar.gz"))).hasMessageContaining("up -> ../..");
    assertThat(tmp.resolve("b.tar.gz")).doesNotExist();
  }

  @Test
  void refusesToWriteInsideTheDirectoryItPacks() {
    assertThatThrownBy(() -> BundlePacker.pack(bundle, bundle.resolve("self.tar.gz")))
        .hasMessageContaining("cannot be written inside the directory it packs");
  }

  private static List<String> entryNames(Path tarGz) throws IOException {
    List<String> names = new ArrayList<>();
    try (InputStream in = new GzipCompressorInputStream(Files.newInputStream(tarGz));
        TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
      for (TarArchiveEntry entry; (entry = tar.getNextEntry()) != null; ) {
        names.add(entry.getName());
      }
    }
    return names;
  }
}
