package io.corral.fetcher;

import static io.corral.fetcher.TestArchives.dir;
import static io.corral.fetcher.TestArchives.file;
import static io.corral.fetcher.TestArchives.hardLink;
import static io.corral.fetcher.TestArchives.symlink;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.corral.fetcher.TestArchives.Entry;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Archives that try to write outside the sandbox, or to fill the disk: all refused, nothing outside written. */
class MaliciousArchivesTest {
  private static final long LIMIT = 10 * 1024 * 1024;

  @TempDir
  Path tmp;
  Path sandbox;
  Path canary;
  String outsideName = "corral-evil-" + UUID.randomUUID();

  @BeforeEach
  void setUp() throws IOException {
    sandbox = Files.createDirectory(tmp.resolve("sandbox"));
    canary = Files.createDirectory(tmp.resolve("canary"));
    Files.writeString(canary.resolve("secret"), "secret");
  }

  @AfterEach
  void nothingWrittenOutside() throws IOException {
    try (Stream<Path> files = Files.list(canary)) {
      assertThat(files).containsExactly(canary.resolve("secret"));
    }
    assertThat(canary.resolve("secret")).hasContent("secret");
    assertThat(Path.of("/tmp", outsideName)).doesNotExist();
    assertThat(Path.of("/etc", outsideName)).doesNotExist();
    try (Stream<Path> files = Files.list(tmp)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .allMatch(name -> name.equals("sandbox") || name.equals("canary") || name.startsWith("a."));
    }
  }

  @ParameterizedTest
  @EnumSource(value = Archives.Format.class, names = {"TAR_GZ", "ZIP"})
  void zipSlip(Archives.Format format) {
    assertRejected(format, "'../canary/evil' rejected: '..' leads out",
        file("ok", "fine"), file("../canary/evil", "pwned"));
  }

  @ParameterizedTest
  @EnumSource(value = Archives.Format.class, names = {"TAR", "ZIP"})
  void dotDotHiddenInTheMiddle(Archives.Format format) {
    assertRejected(format, "'..' leads out", file("a/b/../../../canary/evil", "pwned"));
  }

  @ParameterizedTest
  @EnumSource(value = Archives.Format.class, names = {"TAR", "ZIP"})
  void absolutePath(Archives.Format format) {
    assertRejected(format, "an absolute path", file("/tmp/" + outsideName, "pwned"));
    assertRejected(format, "an absolute path", file(canary.resolve("evil").toString(), "pwned"));
  }

  @ParameterizedTest
  @EnumSource(value = Archives.Format.class, names = {"TAR_BZ2", "ZIP"})
  void symlinkUpAndAFileThroughIt(Archives.Format format) {
    assertRejected(format, "'link' rejected: symbolic link to ../.. points outside",
        symlink("link", "../.."), file("link/canary/evil", "pwned"));
  }

  @ParameterizedTest
  @EnumSource(value = Archives.Format.class, names = {"TAR_XZ", "ZIP"})
  void symlinkToEtcAndAFileThroughIt(Archives.Format format) {
    assertRejected(format, "'link' rejected: symbolic link to the absolute path /etc",
        symlink("link", "/etc"), file("link/" + outsideName, "pwned"));
  }

  @Test
  void fileThroughAnInsideSymlinkIsRefusedToo() {
    assertRejected(Archives.Format.TAR, "'link/x' rejected: it goes through the symbolic link link",
        dir("d/", 0755), symlink("link", "d"), file("link/x", "no"));
  }

  @Test
  void symlinkThatEscapesThroughAnotherSymlink() {
    // d/up -> .. is inside, but a -> d/up/../canary really resolves to ../canary.
    assertRejected(Archives.Format.TAR, "'a' rejected: the symbolic link a -> d/up/../canary points outside",
        dir("d/", 0755), symlink("d/up", ".."), symlink("a", "d/up/../canary"));
  }

  @Test
  void symlinkMadeUnsafeByALaterOne() {
    // When 'a' comes, d/up does not exist yet and 'a' looks inside; the final check sees through it.
    assertRejected(Archives.Format.TAR, "'a' rejected: the symbolic link a -> d/up/../canary points outside",
        dir("d/", 0755), symlink("a", "d/up/../canary"), symlink("d/up", ".."));
    assertThat(sandbox.resolve("a")).doesNotExist();
  }

  @Test
  void hardLinkToAFileOutside() {
    assertRejected(Archives.Format.TAR, "'hl' rejected: hard link to ../canary/secret", hardLink("hl", "../canary/secret"));
    assertRejected(Archives.Format.TAR, "'hl' rejected: hard link to /etc/passwd", hardLink("hl", "/etc/passwd"));
  }

  @Test
  void hardLinkThroughASymlinkOrToASymlink() {
    assertRejected(Archives.Format.TAR, "hard link to up/canary/secret",
        symlink("up", "."), hardLink("hl", "up/canary/secret"));
  }

  @Test
  void devicesAndFifos() {
    assertRejected(Archives.Format.TAR, "not a file, directory or link", TestArchives.fifo("pipe"));
  }

  @Test
  void gzipBombStopsAtTheLimit() throws Exception {
    Path bomb = TestArchives.zerosBomb(tmp.resolve("a.bomb.tar.gz"), 1024L * 1024 * 1024);
    assertThat(Files.size(bomb)).isLessThan(2 * 1024 * 1024);
    assertThatThrownBy(() -> Archives.extract("bomb", bomb, Archives.Format.TAR_GZ, sandbox, LIMIT))
        .isInstanceOf(FetchException.class)
        .hasMessageContaining("'zeros' rejected: the archive unpacks to more than 10485760 bytes");
    assertThat(sizeOf(sandbox)).isLessThanOrEqualTo(LIMIT);
  }

  @Test
  void zipBombThatLiesAboutItsSizeStopsWhileStreaming() throws Exception {
    Path bomb = TestArchives.write(tmp.resolve("a.bomb.zip"), Archives.Format.ZIP,
        file("small.txt", "ok".getBytes(), 0644), file("zeros", new byte[32 * 1024 * 1024], 0644));
    lieAboutSizes(bomb, 1000);
    assertThatThrownBy(() -> Archives.extract("bomb", bomb, Archives.Format.ZIP, sandbox, LIMIT))
        .isInstanceOf(FetchException.class)
        .hasMessageContaining("'zeros' rejected: the archive unpacks to more than 10485760 bytes");
    assertThat(sandbox.resolve("zeros")).doesNotExist(); // the partial file is gone
    assertThat(sizeOf(sandbox)).isLessThanOrEqualTo(LIMIT);
  }

  @Test
  void manyEntriesAddUpToTheLimit() throws Exception {
    byte[] mib = new byte[1024 * 1024];
    Entry[] entries = new Entry[12];
    for (int i = 0; i < entries.length; i++) {
      entries[i] = file("f" + i, mib, 0644);
    }
    Path archive = TestArchives.write(tmp.resolve("a.tar.gz"), Archives.Format.TAR_GZ, entries);
    assertThatThrownBy(() -> Archives.extract("many", archive, Archives.Format.TAR_GZ, sandbox, LIMIT))
        .hasMessageContaining("'f10' rejected: the archive unpacks to more than");
    assertThat(sizeOf(sandbox)).isLessThanOrEqualTo(LIMIT);
  }

  private void assertRejected(Archives.Format format, String message, Entry... entries) {
    assertThatThrownBy(() -> {
      Path archive = TestArchives.write(Files.createTempFile(tmp, "a.", ArchivesTest.suffix(format)), format, entries);
      Archives.extract("evil-uri", archive, format, sandbox, LIMIT);
    }).isInstanceOf(FetchException.class).hasMessageContaining(message)
        .satisfies(e -> assertThat(((FetchException) e).uri()).isEqualTo("evil-uri"));
  }

  private static long sizeOf(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      List<Path> regular = files.filter(Files::isRegularFile).toList();
      long total = 0;
      for (Path file : regular) {
        total += Files.size(file);
      }
      return total;
    }
  }

  /** Rewrites the uncompressed sizes in a zip's local and central headers. */
  private static void lieAboutSizes(Path zip, int size) throws IOException {
    byte[] bytes = Files.readAllBytes(zip);
    try (RandomAccessFile file = new RandomAccessFile(zip.toFile(), "rw")) {
      for (int i = 0; i + 4 <= bytes.length; i++) {
        int signature = (bytes[i] & 0xff) | (bytes[i + 1] & 0xff) << 8 | (bytes[i + 2] & 0xff) << 16
            | (bytes[i + 3] & 0xff) << 24;
        int offset = signature == 0x04034b50 ? 22 : signature == 0x02014b50 ? 24 : signature == 0x08074b50 ? 12 : -1;
        if (offset > 0) {
          file.seek(i + offset);
          file.write(new byte[] {(byte) size, (byte) (size >> 8), (byte) (size >> 16), (byte) (size >> 24)});
        }
      }
    }
  }
}
