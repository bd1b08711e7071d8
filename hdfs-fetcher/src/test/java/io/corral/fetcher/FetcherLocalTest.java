package io.corral.fetcher;

import static io.corral.fetcher.FetcherFixture.cached;
import static io.corral.fetcher.FetcherFixture.uri;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** file:// URIs and plain paths, the options of a CommandURI, and URIs that are refused. */
@Timeout(60)
class FetcherLocalTest {
  @TempDir
  Path tmp;
  Path sandbox;
  Path source;
  FetcherFixture fixture;

  @BeforeEach
  void setUp() throws IOException {
    sandbox = tmp.resolve("sandbox");
    source = Files.createDirectory(tmp.resolve("source"));
    fixture = new FetcherFixture(tmp.resolve("cache"), 1024 * 1024);
  }

  @AfterEach
  void tearDown() {
    fixture.close();
  }

  @Test
  void fileUrisAndAbsolutePaths() throws Exception {
    Path a = Files.writeString(source.resolve("a.txt"), "A");
    Path b = Files.writeString(source.resolve("b c.txt"), "B");
    List<Fetched> fetched = fixture.fetch(sandbox, uri(a.toUri().toString()), uri(b.toString()),
        uri("file://localhost" + a));
    assertThat(sandbox.resolve("a.txt")).hasContent("A");
    assertThat(sandbox.resolve("b c.txt")).hasContent("B");
    assertThat(fetched).extracting(Fetched::bytes).containsExactly(1L, 1L, 1L);
    assertThat(a).hasContent("A"); // copied, not moved or linked
    Files.writeString(sandbox.resolve("a.txt"), "changed");
    assertThat(a).hasContent("A");
  }

  @Test
  void missingFileDirectoryAndRemoteHost() throws Exception {
    String missing = source.resolve("nope.tgz").toString();
    assertThatThrownBy(() -> fixture.fetch(sandbox, uri(missing)))
        .isInstanceOf(FetchException.class).hasMessage("no such file: " + missing)
        .satisfies(e -> assertThat(((FetchException) e).uri()).isEqualTo(missing));
    assertThatThrownBy(() -> fixture.fetch(sandbox, uri(source.toString())))
        .hasMessageContaining("is a directory, not a file");
    assertThatThrownBy(() -> fixture.fetch(sandbox, uri("file://otherhost/etc/hosts")))
        .hasMessageContaining("a file URI needs an absolute path on this host");
  }

  @ParameterizedTest
  @ValueSource(strings = {"ftp://example.com/a.tgz", "s3://bucket/key", "relative/path.tgz", "bundle.tgz",
      "::not a uri::", "", "http:///nohost", "mailto:someone@example.com"})
  void unsupportedUris(String value) {
    assertThatThrownBy(() -> fixture.fetch(sandbox, uri(value)))
        .isInstanceOf(FetchException.class)
        .hasMessageStartingWith("unsupported URI")
        .satisfies(e -> assertThat(((FetchException) e).uri()).isEqualTo(value));
  }

  @Test
  void hdfsIsRefusedWithoutHdfsSupport() {
    assertThatThrownBy(() -> fixture.fetch(sandbox, uri("hdfs://nn:8020/bundles/b.tgz")))
        .hasMessage("hdfs:// URIs are not supported on this agent: it has no HDFS "
            + "support configured (Hadoop client and configuration)");
    assertThatThrownBy(() -> fixture.fetch(sandbox, uri("webhdfs://nn:9870/b.tgz")))
        .hasMessageContaining("webhdfs:// URIs are not supported on this agent");
  }

  @Test
  void hdfsUrisGoToTheHdfsDownloader() throws Exception {
    FetcherConfig config = withHdfs(FetcherFixture.config(tmp.resolve("cache"), 1024));
    Downloaders downloaders = new Downloaders(config, null, System::nanoTime);
    for (String value : List.of("hdfs://nn:8020/b.tgz", "webhdfs://nn:9870/b.tgz", "swebhdfs://nn/b", "HDFS://nn/b")) {
      assertThat(downloaders.forUri(value, URI.create(value), FetchUser.agent("u"))).isInstanceOf(HdfsDownloader.class);
    }
    assertThat(downloaders.forUri("x", URI.create("hdfs://a/b"), FetchUser.agent("u")))
        .isSameAs(downloaders.forUri("y", URI.create("webhdfs://c/d"), FetchUser.agent("u")));
  }

  @Test
  void failuresCarryTheReasonAloneWhateverTheDownloaderSaid() throws Exception {
    FetcherConfig config = withHdfs(FetcherFixture.config(tmp.resolve("cache"), 1024), List.of("/bin/false"));
    try (FetcherFixture hdfs = new FetcherFixture(config)) {
      String value = "hdfs://nn:8020/bundles/b.tgz";
      assertThatThrownBy(() -> hdfs.fetch(sandbox, uri(value)))
          .isInstanceOf(FetchException.class)
          .satisfies(e -> {
            assertThat(((FetchException) e).uri()).isEqualTo(value);
            assertThat(e.getMessage()).isNotBlank().doesNotStartWith("fetch failed").doesNotStartWith(value);
          });
    }
  }

  @Test
  void outputFileRenames() throws Exception {
    Path a = Files.writeString(source.resolve("a.txt"), "A");
    fixture.fetch(sandbox, uri(a.toString()).toBuilder().setOutputFile("renamed.cfg").build());
    assertThat(sandbox.resolve("renamed.cfg")).hasContent("A");
    assertThat(sandbox.resolve("a.txt")).doesNotExist();
  }

  @ParameterizedTest
  @ValueSource(strings = {"../escape", "a/b", "/abs", "..", "."})
  void outputFileMustBeAPlainName(String name) throws Exception {
    Path a = Files.writeString(source.resolve("a.txt"), "A");
    assertThatThrownBy(() -> fixture.fetch(sandbox, uri(a.toString()).toBuilder().setOutputFile(name).build()))
        .hasMessageContaining("invalid output file name '" + name + "'");
    try (Stream<Path> files = Files.list(tmp)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("source", "cache",
          "sandbox");
    }
  }

  @Test
  void uriWithoutAFileNameNeedsOutputFile() {
    assertThatThrownBy(() -> fixture.fetch(sandbox, uri("http://example.com/")))
        .hasMessageContaining("set output_file");
  }

  @Test
  void executable() throws Exception {
    Path script = Files.writeString(source.resolve("run.sh"), "#!/bin/sh\n");
    Files.writeString(source.resolve("data"), "d");
    fixture.fetch(sandbox, uri(script.toString()).toBuilder().setExecutable(true).build(),
        uri(source.resolve("data").toString()));
    assertThat(Files.isExecutable(sandbox.resolve("run.sh"))).isTrue();
    assertThat(ArchivesTest.mode(sandbox.resolve("run.sh"))).isEqualTo(0755);
    assertThat(Files.isExecutable(sandbox.resolve("data"))).isFalse();

    Path other = tmp.resolve("other");
    fixture.fetch(other, cached(script.toString()).toBuilder().setExecutable(true).build());
    assertThat(ArchivesTest.mode(other.resolve("run.sh"))).isEqualTo(0555); // from the cache: read-only
  }

  @ParameterizedTest
  @EnumSource(Archives.Format.class)
  void archivesAreExtractedByDefault(Archives.Format format) throws Exception {
    Path archive = TestArchives.write(source.resolve("bundle" + ArchivesTest.suffix(format)), format,
        TestArchives.file("bin/tool", "#!/bin/sh\n".getBytes(StandardCharsets.UTF_8), 0755),
        TestArchives.file("README", "read me"));
    List<Fetched> fetched = fixture.fetch(sandbox, uri(archive.toString()));
    assertThat(fetched.get(0).extracted()).isTrue();
    assertThat(fetched.get(0).path()).isEqualTo(sandbox);
    assertThat(sandbox.resolve("README")).hasContent("read me");
    assertThat(Files.isExecutable(sandbox.resolve("bin/tool"))).isTrue();
    assertThat(sandbox.resolve(archive.getFileName())).hasSameBinaryContentAs(archive);
    assertThat(List.copyOf(fixture.progress)).last().asString().endsWith("(downloaded), extracted 2 files");
  }

  @Test
  void extractFalseAndExecutableKeepTheArchiveWhole() throws Exception {
    Path archive = TestArchives.write(source.resolve("b.zip"), Archives.Format.ZIP, TestArchives.file("x", "x"));
    fixture.fetch(sandbox, uri(archive.toString()).toBuilder().setExtract(false).build());
    assertThat(sandbox.resolve("x")).doesNotExist();
    Path other = tmp.resolve("other");
    List<Fetched> fetched = fixture.fetch(other, uri(archive.toString()).toBuilder().setExecutable(true).build());
    assertThat(other.resolve("x")).doesNotExist();
    assertThat(fetched.get(0).extracted()).isFalse();
    assertThat(Files.isExecutable(other.resolve("b.zip"))).isTrue();
    // extract is only for archives: asking for it on a plain file changes nothing.
    Path plain = Files.writeString(source.resolve("plain.txt"), "p");
    assertThat(fixture.fetch(other, uri(plain.toString()).toBuilder().setExtract(true).build()).get(0).extracted())
        .isFalse();
  }

  @Test
  void urisInOrderAndTheFirstFailureStops() throws Exception {
    Path a = Files.writeString(source.resolve("a"), "A");
    Path c = Files.writeString(source.resolve("c"), "C");
    String missing = source.resolve("b").toString();
    assertThatThrownBy(() -> fixture.fetch(sandbox, uri(a.toString()), uri(missing), uri(c.toString())))
        .hasMessageStartingWith("no such file");
    assertThat(sandbox.resolve("a")).exists();
    assertThat(sandbox.resolve("c")).doesNotExist();
    assertThat(List.copyOf(fixture.progress)).containsExactly("fetching " + a,
        List.copyOf(fixture.progress).get(1), "fetching " + missing);
  }

  @Test
  void archiveEntryEscapingThroughTheFetcherFailsAndIsNotCached() throws Exception {
    Path evil = TestArchives.write(source.resolve("evil.tar.gz"), Archives.Format.TAR_GZ,
        TestArchives.file("good", "g"), TestArchives.file("../outside", "pwned"));
    assertThatThrownBy(() -> fixture.fetch(sandbox, cached(evil.toString())))
        .isInstanceOf(FetchException.class)
        .hasMessage("archive entry '../outside' rejected: '..' leads out of the target directory");
    assertThat(tmp.resolve("outside")).doesNotExist();
    assertThat(sandbox.resolve("good")).doesNotExist(); // extracted off to the side, never half into the sandbox
    assertThat(fixture.fetcher.cache().size()).isZero();
  }

  @Test
  void symlinksFromTwoArchivesThatEscapeTogether() throws Exception {
    // Each archive is safe alone; in one sandbox, a -> d/up/../../x would leave it.
    Path first = TestArchives.write(source.resolve("one.tar"), Archives.Format.TAR,
        TestArchives.dir("d/", 0755), TestArchives.symlink("d/up", ".."));
    Path second = TestArchives.write(source.resolve("two.tar"), Archives.Format.TAR,
        TestArchives.dir("d/", 0755), TestArchives.symlink("a", "d/up/../x"));
    assertThatThrownBy(() -> fixture.fetch(sandbox, uri(first.toString()), uri(second.toString())))
        .hasMessageContaining("the symbolic link a -> d/up/../x points outside");
    assertThat(sandbox.resolve("a")).doesNotExist();
  }

  @Test
  void anythingInTheWayIsReplacedNotWrittenThrough() throws Exception {
    Path target = Files.writeString(tmp.resolve("precious"), "precious");
    Files.createDirectories(sandbox);
    Files.createSymbolicLink(sandbox.resolve("a.txt"), target);
    Path a = Files.writeString(source.resolve("a.txt"), "A");
    fixture.fetch(sandbox, uri(a.toString()));
    assertThat(target).hasContent("precious");
    assertThat(Files.isSymbolicLink(sandbox.resolve("a.txt"))).isFalse();
    assertThat(sandbox.resolve("a.txt")).hasContent("A");

    Files.createDirectory(sandbox.resolve("dir.txt"));
    Path dir = Files.writeString(source.resolve("dir.txt"), "D");
    assertThatThrownBy(() -> fixture.fetch(sandbox, uri(dir.toString())))
        .hasMessageContaining("cannot place it in the sandbox: a directory is in the way: dir.txt");
  }

  @Test
  void cancellingStopsTheFetch() throws Exception {
    try (TestHttpServer server = new TestHttpServer()) {
      java.util.concurrent.CountDownLatch never = new java.util.concurrent.CountDownLatch(1);
      server.handle("/hang", exchange -> {
        exchange.sendResponseHeaders(200, 0);
        exchange.getResponseBody().write(1);
        exchange.getResponseBody().flush();
        FetcherHttpTest.waitFor(never);
      });
      FetcherConfig patient = new FetcherConfig(tmp.resolve("cache"), 1024, 1024, 1024, Duration.ofSeconds(5),
          Duration.ofSeconds(30), Duration.ofSeconds(30), null);
      try (FetcherFixture slow = new FetcherFixture(patient)) {
        CompletableFuture<List<Fetched>> future =
            slow.fetcher.fetch(List.of(cached(server.url("/hang"))), sandbox, FetchUser.agent("u"), line -> {});
        org.awaitility.Awaitility.await().until(() -> server.hits("/hang") == 1);
        future.cancel(true);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> {
          try (Stream<Path> work = Files.list(tmp.resolve("cache/tmp"))) {
            return work.findAny().isEmpty();
          }
        });
        // The worker is free again.
        Path a = Files.writeString(source.resolve("a"), "A");
        assertThat(slow.fetcher.fetch(List.of(uri(a.toString())), sandbox, FetchUser.agent("u"), l -> {}).get(5, TimeUnit.SECONDS))
            .hasSize(1);
      }
      never.countDown();
    }
  }

  @Test
  void closedFetcherRefuses() throws Exception {
    fixture.close();
    assertThat(fixture.fetcher.fetch(List.of(uri("/x")), sandbox, FetchUser.agent("u"), l -> {}))
        .failsWithin(Duration.ofSeconds(1)).withThrowableThat().havingCause().withMessage("the fetcher is closed");
  }

  @Test
  void progressConsumerThatThrowsDoesNotFailTheFetch() throws Exception {
    Path a = Files.writeString(source.resolve("a"), "A");
    assertThat(fixture.fetcher.fetch(List.of(uri(a.toString())), sandbox, FetchUser.agent("u"), line -> {
      throw new IllegalStateException("boom");
    }).get(5, TimeUnit.SECONDS)).hasSize(1);
  }

  @Test
  void emptyListCompletesAtOnce() throws Exception {
    assertThat(fixture.fetch(sandbox)).isEmpty();
    assertThat(sandbox).isDirectory();
  }

  private static FetcherConfig withHdfs(FetcherConfig config) {
    return withHdfs(config, HdfsSupport.java("java", "lib/*", Map.of()).command());
  }

  private static FetcherConfig withHdfs(FetcherConfig config, List<String> helper) {
    return new FetcherConfig(config.cacheDir(), config.cacheBytes(), config.maxDownloadBytes(),
        config.maxExtractedBytes(), config.connectTimeout(), config.stallTimeout(), config.totalTimeout(),
        new HdfsSupport(helper, Map.of()));
  }
}
