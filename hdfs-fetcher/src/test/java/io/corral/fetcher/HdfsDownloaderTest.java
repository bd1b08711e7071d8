package io.corral.fetcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * HdfsDownloader's side of the contract, with shell scripts standing in for the helper (which
 * gets {@code get <uri> <dest> <max-bytes>} as {@code $1..$4}): exit codes, the failure line,
 * timeouts, a helper that lies.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HdfsDownloaderTest {
  private static final URI URI_ = URI.create("hdfs://nn:8020/bundles/x.tgz");

  @TempDir
  Path dir;

  private HdfsDownloader helper(String script, Map<String, String> env, Duration timeout) {
    HdfsSupport support = new HdfsSupport(List.of("sh", "-c", script, "helper"), env);
    FetcherConfig config = new FetcherConfig(dir.resolve("cache"), 1, 1000, 1000, Duration.ofSeconds(1),
        Duration.ofSeconds(1), timeout, support);
    return new HdfsDownloader(support, config);
  }

  private FetchException failure(String script) {
    return catchThrowableOfType(FetchException.class,
        () -> helper(script, Map.of(), Duration.ofSeconds(30)).download(URI_, dir.resolve("x.tgz"), 1000));
  }

  @Test
  void passesTheCommandAndEnvironmentAndKeepsTheResult() throws Exception {
    HdfsDownloader downloader = helper("[ \"$1 $2 $4\" = 'get hdfs://nn:8020/bundles/x.tgz 1000' ] || exit 9;"
        + " printf %s \"$BUNDLE\" > \"$3\"; echo bytes=5", Map.of("BUNDLE", "12345"), Duration.ofSeconds(30));

    assertThat(downloader.download(URI_, dir.resolve("x.tgz"), 1000)).isEqualTo(5);
    assertThat(Files.readString(dir.resolve("x.tgz"))).isEqualTo("12345");
    try (var files = Files.list(dir)) {
      assertThat(files).containsExactly(dir.resolve("x.tgz"));
    }
  }

  @Test
  void theFailureLineIsFoundAmongOtherOutput() {
    FetchException e = failure("echo 'WARN chatty library' >&2; echo 'error: no such file: " + URI_ + "' >&2;"
        + " echo 'INFO shutdown hook' >&2; exit 2");

    assertThat(e.getMessage()).isEqualTo("fetch failed: " + URI_ + ": no such file: " + URI_);
    assertThat(e.uri()).isEqualTo(URI_.toString());
  }

  @Test
  void anUnexpectedExitCodeIsReportedWithTheLastLine() {
    FetchException e = failure("echo 'Error: Could not find or load main class io.corral.fetcher.hdfs.HdfsCopy' >&2;"
        + " exit 7");

    assertThat(e.getMessage()).isEqualTo("fetch failed: " + URI_ + ": the HDFS helper exited with code 7:"
        + " Error: Could not find or load main class io.corral.fetcher.hdfs.HdfsCopy");
  }

  @Test
  void aWrongByteCountFails() {
    assertThat(failure("printf abc > \"$3\"; echo bytes=5").getMessage())
        .isEqualTo("fetch failed: " + URI_ + ": the HDFS helper reported 5 bytes but wrote 3");
    assertThat(failure("printf abc > \"$3\"").getMessage())
        .isEqualTo("fetch failed: " + URI_ + ": the HDFS helper reported no byte count");
    assertThat(dir.resolve("x.tgz")).doesNotExist();
    assertThat(dir.resolve("x.tgz.part")).doesNotExist();
  }

  @Test
  void aHelperThatRunsTooLongIsKilled() throws IOException {
    HdfsDownloader downloader = helper("echo $$ > \"$3.pid\"; exec sleep 30", Map.of(), Duration.ofMillis(500));
    long started = System.nanoTime();

    FetchException e = catchThrowableOfType(FetchException.class,
        () -> downloader.download(URI_, dir.resolve("x.tgz"), 1000));

    assertThat(e.getMessage()).isEqualTo("fetch failed: " + URI_ + ": timed out after 500ms");
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
    assertThat(ProcessHandle.of(pid(dir.resolve("x.tgz.part.pid"))).filter(ProcessHandle::isAlive)).isEmpty();
  }

  @Test
  void anInterruptKillsTheHelper() throws Exception {
    HdfsDownloader downloader = helper("echo $$ > \"$3.pid\"; exec sleep 30", Map.of(), Duration.ofSeconds(30));
    Path pidFile = dir.resolve("x.tgz.part.pid");
    Thread caller = Thread.currentThread();
    Thread interrupter = new Thread(() -> {
      await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(pidFile) && Files.size(pidFile) > 0);
      caller.interrupt();
    });
    interrupter.start();

    assertThatThrownBy(() -> downloader.download(URI_, dir.resolve("x.tgz"), 1000))
        .isInstanceOf(InterruptedException.class);
    interrupter.join();

    assertThat(ProcessHandle.of(pid(pidFile)).filter(ProcessHandle::isAlive)).isEmpty();
    assertThat(dir.resolve("x.tgz.part")).doesNotExist();
  }

  @Test
  void aHelperThatCannotStartFails() {
    HdfsSupport missing = new HdfsSupport(List.of(dir.resolve("no-java").toString(), "-cp", "x", HdfsSupport.MAIN_CLASS),
        Map.of());
    HdfsDownloader downloader = new HdfsDownloader(missing, FetcherConfig.defaults(dir, missing));

    FetchException e = catchThrowableOfType(FetchException.class,
        () -> downloader.download(URI_, dir.resolve("x.tgz"), 1000));

    assertThat(e.getMessage()).startsWith("fetch failed: " + URI_ + ": cannot start the HDFS helper "
        + dir.resolve("no-java"));
  }

  @Test
  void onlyHdfsUrisAreAccepted() {
    FetchException e = catchThrowableOfType(FetchException.class,
        () -> helper("exit 0", Map.of(), Duration.ofSeconds(1)).download(URI.create("http://x/y"), dir.resolve("y"), 10));

    assertThat(e.getMessage()).isEqualTo("fetch failed: http://x/y: not an HDFS URI");
  }

  @Test
  void durationsAreShort() {
    assertThat(HdfsHelper.describe(Duration.ofMillis(250))).isEqualTo("250ms");
    assertThat(HdfsHelper.describe(Duration.ofSeconds(30))).isEqualTo("30s");
    assertThat(HdfsHelper.describe(Duration.ofSeconds(90))).isEqualTo("90s");
    assertThat(HdfsHelper.describe(Duration.ofMinutes(5))).isEqualTo("5m");
    assertThat(HdfsHelper.describe(Duration.ofHours(1))).isEqualTo("1h");
  }

  private static long pid(Path file) throws IOException {
    return Long.parseLong(Files.readString(file).strip());
  }
}
