package io.corral.fetcher;

import static io.corral.fetcher.TestArchives.dir;
import static io.corral.fetcher.TestArchives.file;
import static io.corral.fetcher.TestArchives.hardLink;
import static io.corral.fetcher.TestArchives.symlink;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ArchivesTest {
  private static final long LIMIT = 10 * 1024 * 1024;

  @TempDir
  Path tmp;
  Path target;

  @BeforeEach
  void makeTarget() throws IOException {
    target = Files.createDirectory(tmp.resolve("sandbox"));
  }

  @Test
  void recognisesArchivesBySuffix() {
    assertThat(Archives.format("b.tar")).isEqualTo(Archives.Format.TAR);
    assertThat(Archives.format("b.TAR.GZ")).isEqualTo(Archives.Format.TAR_GZ);
    assertThat(Archives.format("b.tgz")).isEqualTo(Archives.Format.TGZ);
    assertThat(Archives.format("b.tar.bz2")).isEqualTo(Archives.Format.TAR_BZ2);
    assertThat(Archives.format("b.tar.xz")).isEqualTo(Archives.Format.TAR_XZ);
    assertThat(Archives.format("b.zip")).isEqualTo(Archives.Format.ZIP);
    assertThat(Archives.format("b.gz")).isNull();
    assertThat(Archives.format("b.jar")).isNull();
    assertThat(Archives.format("run.sh")).isNull();
    assertThat(Archives.format(".tar")).isNull();
  }

  @ParameterizedTest
  @EnumSource(Archives.Format.class)
  void unpacksEveryFormatWithModesAndLinks(Archives.Format format) throws Exception {
    Path archive = TestArchives.write(tmp.resolve("bundle" + suffix(format)), format,
        dir("bin/", 0755),
        file("bin/run", "#!/bin/sh\necho hi\n".getBytes(StandardCharsets.UTF_8), 0755),
        file("conf/app.conf", "x=1"),
        file("lib/libfoo.so.1", "elf".getBytes(StandardCharsets.UTF_8), 0644),
        symlink("lib/libfoo.so", "libfoo.so.1"),
        symlink("conf/up", "../bin/run"));

    Archives.Extracted extracted = Archives.extract("test", archive, format, target, LIMIT);

    assertThat(extracted.files()).isEqualTo(5);
    assertThat(extracted.bytes()).isEqualTo(18 + 3 + 3);
    assertThat(target.resolve("bin/run")).hasContent("#!/bin/sh\necho hi");
    assertThat(Files.isExecutable(target.resolve("bin/run"))).isTrue();
    assertThat(mode(target.resolve("bin/run"))).isEqualTo(0755);
    assertThat(mode(target.resolve("conf/app.conf"))).isEqualTo(0644);
    assertThat(target.resolve("conf/app.conf")).hasContent("x=1");
    assertThat(Files.readSymbolicLink(target.resolve("lib/libfoo.so"))).isEqualTo(Paths.get("libfoo.so.1"));
    assertThat(target.resolve("lib/libfoo.so")).hasContent("elf");
    assertThat(target.resolve("conf/up")).hasContent("#!/bin/sh\necho hi");
    assertThat(extracted.links()).containsExactlyInAnyOrder(target.resolve("lib/libfoo.so"),
        target.resolve("conf/up"));
  }

  @Test
  void keepsOnlyRwxBitsAndLeavesDirectoriesUsableByTheOwner() throws Exception {
    Path archive = TestArchives.write(tmp.resolve("b.tar"), Archives.Format.TAR,
        dir("ro/", 0555),
        file("ro/inside", "x".getBytes(StandardCharsets.UTF_8), 04755), // setuid
        file("sticky", "y".getBytes(StandardCharsets.UTF_8), 03640), // setgid + sticky
        dir("locked/", 0000),
        file("locked/f", "z"));

    Archives.extract("test", archive, Archives.Format.TAR, target, LIMIT);

    assertThat(mode(target.resolve("ro/inside"))).isEqualTo(0755);
    assertThat(mode(target.resolve("sticky"))).isEqualTo(0640);
    assertThat(mode(target.resolve("ro"))).isEqualTo(0755); // owner rwx added, nothing else
    assertThat(mode(target.resolve("locked"))).isEqualTo(0700);
    assertThat(target.resolve("locked/f")).hasContent("z");
  }

  @Test
  void zipWithoutUnixModesGetsDefaults() throws Exception {
    Path archive = tmp.resolve("plain.zip");
    try (var zip = new org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream(archive)) {
      zip.putArchiveEntry(new org.apache.commons.compress.archivers.zip.ZipArchiveEntry("d/a.txt"));
      zip.write("a".getBytes(StandardCharsets.UTF_8));
      zip.closeArchiveEntry();
    }
    Archives.extract("test", archive, Archives.Format.ZIP, target, LIMIT);
    assertThat(target.resolve("d/a.txt")).hasContent("a");
    assertThat(mode(target.resolve("d/a.txt"))).isEqualTo(0644);
  }

  @Test
  void hardLinksInsideTheArchiveAndTheRootEntryAreFine() throws Exception {
    Path archive = TestArchives.write(tmp.resolve("b.tar"), Archives.Format.TAR,
        dir("./", 0755),
        file("./a/data", "data"),
        hardLink("./a/again", "a/data"));

    Archives.Extracted extracted = Archives.extract("test", archive, Archives.Format.TAR, target, LIMIT);

    assertThat(extracted.files()).isEqualTo(2);
    assertThat(target.resolve("a/again")).hasContent("data");
    assertThat(Files.isSameFile(target.resolve("a/again"), target.resolve("a/data"))).isTrue();
  }

  @Test
  void replacesExistingFilesWithoutWritingThroughThem() throws Exception {
    // A file hard-linked from elsewhere (say, the cache) must keep its content.
    Path elsewhere = Files.writeString(tmp.resolve("cached"), "cached content");
    Files.createLink(target.resolve("conf"), elsewhere);
    Files.createSymbolicLink(target.resolve("link"), elsewhere);
    Path archive = TestArchives.write(tmp.resolve("b.tar"), Archives.Format.TAR,
        file("conf", "new"), file("link", "new too"));

    Archives.extract("test", archive, Archives.Format.TAR, target, LIMIT);

    assertThat(target.resolve("conf")).hasContent("new");
    assertThat(Files.isSymbolicLink(target.resolve("link"))).isFalse();
    assertThat(target.resolve("link")).hasContent("new too");
    assertThat(elsewhere).hasContent("cached content");
  }

  @Test
  void laterEntriesWinLikeTar() throws Exception {
    Path archive = TestArchives.write(tmp.resolve("b.tar.gz"), Archives.Format.TAR_GZ,
        file("f", "old"), file("f", "new"));
    Archives.extract("test", archive, Archives.Format.TAR_GZ, target, LIMIT);
    assertThat(target.resolve("f")).hasContent("new");
  }

  static String suffix(Archives.Format format) {
    return switch (format) {
      case TAR -> ".tar";
      case TAR_GZ -> ".tar.gz";
      case TGZ -> ".tgz";
      case TAR_BZ2 -> ".tar.bz2";
      case TAR_XZ -> ".tar.xz";
      case ZIP -> ".zip";
    };
  }

  static int mode(Path path) throws IOException {
    return Trees.mode(Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS));
  }
}
