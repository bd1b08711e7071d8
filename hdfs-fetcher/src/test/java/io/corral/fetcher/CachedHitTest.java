package io.corral.fetcher;

import static io.corral.fetcher.FetcherFixture.cached;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a cache hit is: the cache entry's download and extracted tree linked into the sandbox, the
 * same files (inodes) read-only, nothing downloaded and nothing extracted again. How long a hit
 * takes is measured by {@code FetchBenchmark} (docs/benchmarks.md), not here.
 */
@Timeout(60)
class CachedHitTest {
  @TempDir
  Path tmp;

  @Test
  void aHitLinksTheEntrysDownloadAndTreeAndNeitherDownloadsNorExtracts() throws Exception {
    List<TestArchives.Entry> entries = new ArrayList<>();
    Random random = new Random(42);
    for (int d = 0; d < 5; d++) {
      for (int f = 0; f < 4; f++) {
        byte[] content = new byte[512];
        random.nextBytes(content);
        entries.add(TestArchives.file("lib/d" + d + "/f" + f + ".jar", content, f == 0 ? 0755 : 0644));
      }
      entries.add(TestArchives.symlink("lib/d" + d + "/current", "f0.jar"));
    }
    Path archive = TestArchives.write(tmp.resolve("bundle.tar.gz"), Archives.Format.TAR_GZ,
        entries.toArray(TestArchives.Entry[]::new));

    try (FetcherFixture fixture = new FetcherFixture(FetcherConfig.defaults(tmp.resolve("cache"), null))) {
      Fetched first = fixture.fetch(tmp.resolve("first"), cached(archive.toString())).get(0);
      assertThat(first.cacheHit()).isFalse();
      long downloaded = fixture.fetcher.stats().bytesDownloaded();
      Path entry = onlyEntry(tmp.resolve("cache"));

      Fetched hit = fixture.fetch(tmp.resolve("hit"), cached(archive.toString())).get(0);

      assertThat(hit.cacheHit()).isTrue();
      assertThat(hit.bytes()).isZero();
      assertThat(fixture.fetcher.stats().bytesDownloaded()).as("bytes downloaded by the fetcher").isEqualTo(downloaded);
      assertThat(onlyEntry(tmp.resolve("cache"))).as("still the one entry").isEqualTo(entry);
      Map<String, Path> linked = files(tmp.resolve("hit"));
      assertThat(linked).hasSize(20 + 5 + 1); // the tree's files and links, and the archive
      // The archive is the entry's download itself: not downloaded again.
      assertSameFile(linked.get("bundle.tar.gz"), entry.resolve("download"));
      // Every file of the tree is the entry's own (an extraction would have made new ones), read-only;
      // its symbolic links are made again, pointing where the archive's do.
      Map<String, Path> tree = files(entry.resolve("tree"));
      assertThat(linked.keySet()).containsAll(tree.keySet());
      for (Map.Entry<String, Path> e : tree.entrySet()) {
        Path inSandbox = linked.get(e.getKey());
        if (Files.isSymbolicLink(e.getValue())) {
          assertThat(Files.isSymbolicLink(inSandbox)).as(e.getKey()).isTrue();
          assertThat(Files.readSymbolicLink(inSandbox)).as(e.getKey()).isEqualTo(Files.readSymbolicLink(e.getValue()));
        } else {
          assertSameFile(inSandbox, e.getValue());
        }
      }
      assertThat(Files.getPosixFilePermissions(linked.get("lib/d0/f0.jar"))).as("the entry's mode, write bits cleared")
          .contains(PosixFilePermission.OWNER_EXECUTE).doesNotContain(PosixFilePermission.OWNER_WRITE);
    }
  }

  private static void assertSameFile(Path inSandbox, Path inCache) throws IOException {
    assertThat(Files.readAttributes(inSandbox, "unix:ino,dev", LinkOption.NOFOLLOW_LINKS))
        .as("%s is a link to %s", inSandbox, inCache)
        .isEqualTo(Files.readAttributes(inCache, "unix:ino,dev", LinkOption.NOFOLLOW_LINKS));
    assertThat((int) Files.getAttribute(inSandbox, "unix:nlink")).as("links of %s", inSandbox).isGreaterThanOrEqualTo(3);
    assertThat(Files.getPosixFilePermissions(inSandbox)).as("%s is read-only", inSandbox)
        .doesNotContain(PosixFilePermission.OWNER_WRITE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE);
  }

  /** The cache's one entry directory. */
  private static Path onlyEntry(Path cacheDir) throws IOException {
    try (Stream<Path> entries = Files.list(cacheDir.resolve("entries"))) {
      List<Path> all = entries.toList();
      assertThat(all).hasSize(1);
      return all.get(0);
    }
  }

  /** The files and symbolic links under {@code dir}, by path relative to it. */
  private static Map<String, Path> files(Path dir) throws IOException {
    Map<String, Path> out = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.filter(p -> Files.isSymbolicLink(p) || Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
          .forEach(p -> out.put(dir.relativize(p).toString(), p));
    }
    return out;
  }
}
