package io.corral.fetcher;

import static io.corral.fetcher.FetcherFixture.cached;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * How long a cache hit takes: the tree is linked, not extracted. The bound asserted is loose
 * (builds share the machine); the times measured are printed.
 */
@Timeout(120)
class CachedHitSpeedTest {
  @TempDir
  Path tmp;

  @Test
  void aTreeOfSeveralHundredFilesIsLinkedInAFewMilliseconds() throws Exception {
    List<TestArchives.Entry> entries = new ArrayList<>();
    Random random = new Random(42);
    for (int d = 0; d < 30; d++) {
      for (int f = 0; f < 10; f++) {
        byte[] content = new byte[2048];
        random.nextBytes(content);
        entries.add(TestArchives.file("lib/d" + d + "/f" + f + ".jar", content, f == 0 ? 0755 : 0644));
      }
      entries.add(TestArchives.symlink("lib/d" + d + "/current", "f0.jar"));
    }
    Path archive = TestArchives.write(tmp.resolve("bundle.tar.gz"), Archives.Format.TAR_GZ,
        entries.toArray(TestArchives.Entry[]::new));

    long[] millis = measure(archive, 330, 30);
    long median = millis[millis.length / 2];
    System.out.printf("cached hit, 330 entries: median %d ms, min %d ms, max %d ms%n", median, millis[0],
        millis[millis.length - 1]);
    assertThat(median).isLessThan(100);
  }

  /** The benchmark's case: run with -Dfetcher.bigBundle=true (writes ~300 MiB under the temp dir). */
  @Test
  @EnabledIfSystemProperty(named = "fetcher.bigBundle", matches = "true")
  void aHundredMebibyteBundle() throws Exception {
    List<TestArchives.Entry> entries = new ArrayList<>();
    Random random = new Random(7);
    for (int i = 0; i < 100; i++) {
      byte[] content = new byte[1024 * 1024];
      random.nextBytes(content);
      entries.add(TestArchives.file("jars/part" + i + ".jar", content, 0644));
    }
    Path archive = TestArchives.write(tmp.resolve("big.tar"), Archives.Format.TAR,
        entries.toArray(TestArchives.Entry[]::new));
    long[] millis = measure(archive, 100, 10);
    System.out.printf("cached hit, 100 MiB bundle (%d bytes): median %d ms, min %d ms, max %d ms%n",
        Files.size(archive), millis[millis.length / 2], millis[0], millis[millis.length - 1]);
  }

  private long[] measure(Path archive, int files, int hits) throws Exception {
    try (FetcherFixture fixture = new FetcherFixture(FetcherConfig.defaults(tmp.resolve("cache"), null))) {
      long start = System.nanoTime();
      Fetched first = fixture.fetch(tmp.resolve("first"), cached(archive.toString())).get(0);
      System.out.printf("first fetch of %s (download, sha256, extract, link): %d ms%n", archive.getFileName(),
          (System.nanoTime() - start) / 1_000_000);
      assertThat(first.cacheHit()).isFalse();
      long[] millis = new long[hits];
      for (int i = 0; i < hits; i++) {
        Fetched hit = fixture.fetch(tmp.resolve("hit" + i), cached(archive.toString())).get(0);
        assertThat(hit.cacheHit()).isTrue();
        millis[i] = hit.took().toMillis();
      }
      try (var linked = Files.walk(tmp.resolve("hit0"))) {
        assertThat(linked.filter(p -> !Files.isDirectory(p)).count()).isEqualTo(files + 1); // + the archive
      }
      Arrays.sort(millis);
      return millis;
    }
  }
}
