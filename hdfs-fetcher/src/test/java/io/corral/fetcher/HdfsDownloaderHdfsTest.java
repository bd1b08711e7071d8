package io.corral.fetcher;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.corral.fetcher.hdfs.MiniHdfs;
import io.corral.fetcher.hdfs.MiniHdfsExtension;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** HdfsDownloader and HdfsClient against the shared MiniDFSCluster, through real helper processes. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
@ExtendWith(MiniHdfsExtension.class)
class HdfsDownloaderHdfsTest {
  private static final long GIB = FetcherConfig.GIB;
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

  private HdfsDownloader downloader(Map<String, String> environment) {
    HdfsSupport helper = hdfs.helper(environment);
    FetcherConfig config = new FetcherConfig(dir.resolve("cache"), GIB, GIB, GIB, Duration.ofSeconds(30),
        Duration.ofMinutes(1), Duration.ofSeconds(60), helper);
    return new HdfsDownloader(helper, config);
  }

  private static byte[] randomBytes(int n) {
    byte[] bytes = new byte[n];
    new Random(n).nextBytes(bytes);
    return bytes;
  }

  @Test
  void downloadsAFile() throws Exception {
    byte[] content = randomBytes(1_000_003); // several buffers, not a multiple of one
    hdfs.write("/fetch/get/executor.tar.gz", content);
    Path dest = dir.resolve("executor.tar.gz");

    long bytes = downloader(Map.of()).download(hdfs.hdfs("/fetch/get/executor.tar.gz"), dest, GIB);

    assertThat(bytes).isEqualTo(content.length);
    assertThat(Files.readAllBytes(dest)).isEqualTo(content);
    try (var files = Files.list(dir)) {
      assertThat(files).containsExactly(dest); // no .part, no helper output files
    }
  }

  @Test
  void aMissingFileFailsNamingTheUri() {
    URI uri = hdfs.hdfs("/fetch/missing/executor.tar.gz");

    FetchException e = catchThrowableOfType(FetchException.class,
        () -> downloader(Map.of()).download(uri, dir.resolve("x"), GIB));

    assertThat(e.getMessage()).isEqualTo("fetch failed: " + uri + ": no such file: " + uri);
    assertThat(e.uri()).isEqualTo(uri.toString());
    assertThat(dir.resolve("x")).doesNotExist();
  }

  @Test
  void aDirectoryIsRefused() throws IOException {
    hdfs.fs().mkdirs(new org.apache.hadoop.fs.Path("/fetch/dir/sub"));
    URI uri = hdfs.hdfs("/fetch/dir");

    FetchException e = catchThrowableOfType(FetchException.class,
        () -> downloader(Map.of()).download(uri, dir.resolve("x"), GIB));

    assertThat(e.getMessage()).isEqualTo("fetch failed: " + uri + ": is a directory: " + uri);
  }

  @Test
  void maxBytesIsEnforcedBeforeCopying() throws Exception {
    hdfs.write("/fetch/max/f", randomBytes(1000));
    URI uri = hdfs.hdfs("/fetch/max/f");
    HdfsDownloader downloader = downloader(Map.of());

    FetchException e = catchThrowableOfType(FetchException.class,
        () -> downloader.download(uri, dir.resolve("over"), 999));

    assertThat(e.getMessage()).isEqualTo("fetch failed: " + uri + ": too large: " + uri
        + " has 1000 bytes, the limit is 999");
    assertThat(dir.resolve("over")).doesNotExist();
    assertThat(downloader.download(uri, dir.resolve("exact"), 1000)).isEqualTo(1000);
  }

  @Test
  void downloadsOverWebHdfs() throws Exception {
    byte[] content = randomBytes(300_000);
    hdfs.write("/fetch/webhdfs/executor.jar", content);
    URI uri = hdfs.webhdfsUri().resolve("/fetch/webhdfs/executor.jar");
    Path dest = dir.resolve("executor.jar");

    long bytes = downloader(Map.of()).download(uri, dest, GIB);

    assertThat(uri.toString()).startsWith("webhdfs://");
    assertThat(bytes).isEqualTo(content.length);
    assertThat(Files.readAllBytes(dest)).isEqualTo(content);
  }

  @Test
  void putThenGetRoundTrip() throws Exception {
    HdfsClient client = new HdfsClient(hdfs.helper(Map.of()), Duration.ofSeconds(60));
    URI uri = hdfs.hdfs("/bundles/app/1/app.tar.gz");
    Path first = Files.write(dir.resolve("first.tar.gz"), randomBytes(70_000));
    Path second = Files.write(dir.resolve("second.tar.gz"), randomBytes(50_000));

    assertThat(client.length(uri)).isEmpty();
    assertThat(client.put(first, uri)).isEqualTo(70_000);
    assertThat(client.put(second, uri)).isEqualTo(50_000); // replaces it
    assertThat(client.length(uri)).isEqualTo(OptionalLong.of(50_000));
    Path fetched = dir.resolve("fetched.tar.gz");
    assertThat(downloader(Map.of()).download(uri, fetched, GIB)).isEqualTo(50_000);

    assertThat(Files.readAllBytes(fetched)).isEqualTo(Files.readAllBytes(second));
  }

  @Test
  void putFailsWithTheReason() {
    HdfsClient client = new HdfsClient(hdfs.helper(Map.of()), Duration.ofSeconds(60));
    Path missing = dir.resolve("missing.tar.gz");

    IOException e = catchThrowableOfType(IOException.class, () -> client.put(missing, hdfs.hdfs("/bundles/x")));

    assertThat(e.getMessage()).isEqualTo("put " + missing + " to " + hdfs.hdfs("/bundles/x")
        + " failed: no such file: " + missing);
  }

  @Test
  void hadoopConfDirNamesTheDefaultFileSystem() throws Exception {
    hdfs.write("/fetch/conf-dir/f", "configured".getBytes(UTF_8));
    Path confDir = Files.createDirectories(dir.resolve("conf"));
    Files.writeString(confDir.resolve("core-site.xml"), siteXml("fs.defaultFS", hdfs.hdfsUri().toString()));
    URI noAuthority = URI.create("hdfs:///fetch/conf-dir/f");

    long bytes = downloader(Map.of("HADOOP_CONF_DIR", confDir.toString())).download(noAuthority, dir.resolve("f"), GIB);
    FetchException without = catchThrowableOfType(FetchException.class,
        () -> downloader(Map.of()).download(noAuthority, dir.resolve("g"), GIB));

    assertThat(bytes).isEqualTo(10);
    assertThat(Files.readString(dir.resolve("f"))).isEqualTo("configured");
    assertThat(without.getMessage()).isEqualTo("fetch failed: hdfs:///fetch/conf-dir/f: "
        + "IOException: Incomplete HDFS URI, no host: hdfs:///fetch/conf-dir/f");
  }

  @Test
  void theAuthorityCanBeAnHaNameserviceOfHadoopConfDir() throws Exception {
    hdfs.write("/fetch/ha/f", "via nameservice".getBytes(UTF_8));
    Path confDir = Files.createDirectories(dir.resolve("conf"));
    String namenode = hdfs.hdfsUri().getAuthority();
    Files.writeString(confDir.resolve("hdfs-site.xml"), siteXml(
        "dfs.nameservices", "corral",
        "dfs.ha.namenodes.corral", "nn1",
        "dfs.namenode.rpc-address.corral.nn1", namenode,
        "dfs.client.failover.proxy.provider.corral",
        "org.apache.hadoop.hdfs.server.namenode.ha.ConfiguredFailoverProxyProvider"));

    long bytes = downloader(Map.of("HADOOP_CONF_DIR", confDir.toString()))
        .download(URI.create("hdfs://corral/fetch/ha/f"), dir.resolve("f"), GIB);

    assertThat(bytes).isEqualTo(15);
    assertThat(Files.readString(dir.resolve("f"))).isEqualTo("via nameservice");
  }

  /** A Hadoop configuration file with the given name, value, name, value, ... */
  private static String siteXml(String... nameValues) {
    StringBuilder xml = new StringBuilder("<?xml version=\"1.0\"?>\n<configuration>\n");
    for (int i = 0; i < nameValues.length; i += 2) {
      xml.append("  <property><name>").append(nameValues[i]).append("</name><value>")
          .append(nameValues[i + 1]).append("</value></property>\n");
    }
    return xml.append("</configuration>\n").toString();
  }
}
