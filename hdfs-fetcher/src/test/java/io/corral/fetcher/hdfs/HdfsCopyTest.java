package io.corral.fetcher.hdfs;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The helper's command-line contract, run in this JVM against the shared MiniDFSCluster (the
 * process boundary is tested through HdfsDownloader): result line on stdout, one
 * {@code error:} line on stderr, exit codes.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
@ExtendWith(MiniHdfsExtension.class)
class HdfsCopyTest {
  private static MiniHdfs hdfs;
  private Path dir;

  @BeforeAll
  static void cluster(MiniHdfs cluster) {
    hdfs = cluster;
  }

  @BeforeEach
  void dir(TestInfo info) throws IOException {
    dir = hdfs.newDir(info.getTestMethod().orElseThrow().getName());
  }

  /** What one run printed, and its exit code. */
  private record Run(int code, String out, String err) {}

  private static Run run(String... args) {
    return run(Map.of(), args);
  }

  private static Run run(Map<String, String> env, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = HdfsCopy.run(args, env, new PrintStream(out, true, UTF_8), new PrintStream(err, true, UTF_8));
    return new Run(code, out.toString(UTF_8), err.toString(UTF_8));
  }

  @Test
  void getPrintsTheByteCountAndNothingElse() throws IOException {
    hdfs.write("/copy/get/a.txt", "hello, hdfs".getBytes(UTF_8));
    Path dest = dir.resolve("a.txt");

    Run run = run("get", hdfs.hdfs("/copy/get/a.txt").toString(), dest.toString(), "11");

    assertThat(run).isEqualTo(new Run(0, "bytes=11\n", ""));
    assertThat(Files.readString(dest)).isEqualTo("hello, hdfs");
  }

  @Test
  void getOfAMissingFileExitsWith2() {
    URI uri = hdfs.hdfs("/copy/missing");

    Run run = run("get", uri.toString(), dir.resolve("x").toString(), "100");

    assertThat(run).isEqualTo(new Run(2, "", "error: no such file: " + uri + "\n"));
    assertThat(dir.resolve("x")).doesNotExist();
  }

  @Test
  void getRefusesDirectoriesAndFilesOverTheLimitBeforeCopying() throws IOException {
    hdfs.write("/copy/refused/ten", new byte[10]);
    URI directory = hdfs.hdfs("/copy/refused");
    URI ten = hdfs.hdfs("/copy/refused/ten");

    assertThat(run("get", directory.toString(), dir.resolve("d").toString(), "100"))
        .isEqualTo(new Run(3, "", "error: is a directory: " + directory + "\n"));
    assertThat(run("get", ten.toString(), dir.resolve("t").toString(), "9"))
        .isEqualTo(new Run(3, "", "error: too large: " + ten + " has 10 bytes, the limit is 9\n"));
    assertThat(dir.resolve("d")).doesNotExist();
    assertThat(dir.resolve("t")).doesNotExist();
  }

  @Test
  void statPrintsTheLength() throws IOException {
    hdfs.write("/copy/stat/f", new byte[1234]);

    assertThat(run("stat", hdfs.hdfs("/copy/stat/f").toString())).isEqualTo(new Run(0, "length=1234\n", ""));
    assertThat(run("stat", hdfs.hdfs("/copy/stat/none").toString()).code()).isEqualTo(2);
    assertThat(run("stat", hdfs.hdfs("/copy/stat").toString()).code()).isEqualTo(3);
  }

  @Test
  void putCreatesParentsReplacesAndLeavesNoTemporaryFile() throws IOException {
    Path local = dir.resolve("bundle.tgz");
    Files.write(local, new byte[] {1, 2, 3});
    URI uri = hdfs.hdfs("/copy/put/deep/er/bundle.tgz");

    assertThat(run("put", local.toString(), uri.toString())).isEqualTo(new Run(0, "bytes=3\n", ""));
    Files.write(local, new byte[] {4, 5});
    assertThat(run("put", local.toString(), uri.toString())).isEqualTo(new Run(0, "bytes=2\n", ""));

    assertThat(hdfs.read("/copy/put/deep/er/bundle.tgz")).containsExactly(4, 5);
    assertThat(hdfs.fs().listStatus(new org.apache.hadoop.fs.Path("/copy/put/deep/er"))).hasSize(1);
  }

  @Test
  void putRefusesAMissingLocalFileAndADirectoryTarget() throws IOException {
    hdfs.fs().mkdirs(new org.apache.hadoop.fs.Path("/copy/put-refused/dir"));
    Path local = Files.write(dir.resolve("f"), new byte[1]);

    Run missing = run("put", dir.resolve("none").toString(), hdfs.hdfs("/copy/put-refused/x").toString());
    Run onDirectory = run("put", local.toString(), hdfs.hdfs("/copy/put-refused/dir").toString());

    assertThat(missing).isEqualTo(new Run(2, "", "error: no such file: " + dir.resolve("none") + "\n"));
    assertThat(onDirectory.code()).isEqualTo(3);
    assertThat(onDirectory.err()).startsWith("error: is a directory: ");
  }

  @Test
  void usageErrorsExitWith1AndOneLine() {
    assertThat(run()).isEqualTo(new Run(1, "", "error: " + HdfsCopy.USAGE + "\n"));
    assertThat(run("get", "hdfs://nn/x")).isEqualTo(new Run(1, "", "error: " + HdfsCopy.USAGE + "\n"));
    assertThat(run("copy", "a", "b").err()).startsWith("error: unknown command 'copy'; usage:");
    assertThat(run("get", "hdfs://nn/x", "/tmp/x", "lots").err())
        .isEqualTo("error: max-bytes must be a number >= 0, not 'lots'\n");
    assertThat(run("stat", "no-scheme").err()).isEqualTo("error: not an absolute URI with a path: no-scheme\n");
    assertThat(run("stat", "hdfs://nn/a b").err()).startsWith("error: bad URI: ");
  }

  @Test
  void otherFailuresExitWith1WithoutAStackTrace() throws IOException {
    hdfs.write("/copy/other/f", new byte[1]);

    Run noParent = run("get", hdfs.hdfs("/copy/other/f").toString(), dir.resolve("no/such/dir/f").toString(), "10");
    Run refused = run("stat", "hdfs://127.0.0.1:1/x");

    assertThat(noParent.code()).isEqualTo(1);
    assertThat(noParent.err()).isEqualTo("error: NoSuchFileException: " + dir.resolve("no/such/dir/f") + "\n");
    assertThat(refused.code()).isEqualTo(1);
    assertThat(refused.err()).startsWith("error: ConnectException: ").contains("Connection refused").hasLineCount(1);
  }

  @Test
  void getReadsHdfsAloneNeverAnotherFileSystemOfThisHost() throws IOException {
    Path secret = Files.writeString(dir.resolve("secret"), "the agent's own\n");
    for (String uri : List.of(secret.toUri().toString(), "file:///etc/passwd", "har:///tmp/x.har/secret",
        "viewfs://cluster/secret", "FILE:///etc/passwd")) {
      Path dest = dir.resolve("dest");

      Run run = run("get", uri, dest.toString(), "100000");

      assertThat(run).as(uri).isEqualTo(new Run(1, "", "error: not an HDFS URI: " + uri
          + " (get reads hdfs://, webhdfs:// and swebhdfs://)\n"));
      assertThat(dest).doesNotExist();
    }
  }

  @Test
  void aHostThatDoesNotResolveIsAnUnknownHost() {
    for (String uri : List.of("hdfs://no-such-host.invalid:8020/x", "webhdfs://no-such-host.invalid:9870/x")) {
      assertThat(run("get", uri, dir.resolve("x").toString(), "10")).as(uri)
          .isEqualTo(new Run(1, "", "error: unknown host no-such-host.invalid\n"));
    }
  }

  @Test
  void debugAddsTheStackTrace() {
    Run run = run(Map.of("CORRAL_DEBUG", "1"), "stat", "hdfs://127.0.0.1:1/x");

    assertThat(run.code()).isEqualTo(1);
    assertThat(run.err()).startsWith("error: ConnectException: ").contains("\tat org.apache.hadoop.");
  }
}
