package io.corral.benchmarks;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * {@link FetchBenchmark}'s handle on its HDFS, which runs in a child JVM
 * ({@link BenchHdfsProcess}) so that the datanode serving the bytes shares no heap, collector,
 * compiler or safepoints with the fetcher being timed, as on a real cluster.
 */
final class BenchHdfs implements AutoCloseable {
  /** Namenode calls so far: all of them, and those that opened a file for reading. */
  record Requests(long calls, long opens) {}

  private final ChildJvm process;
  private final URI uri;

  private BenchHdfs(ChildJvm process, URI uri) {
    this.process = process;
    this.uri = uri;
  }

  /**
   * Starts the cluster with its data under {@code dir} and waits until it serves.
   *
   * @param classpath the child's: this module and the minicluster ({@link HdfsCommands#cluster()})
   */
  static BenchHdfs start(Path dir, String classpath) throws IOException, InterruptedException {
    ChildJvm process = ChildJvm.start("hdfs", List.of("-Xmx1g"), classpath, BenchHdfsProcess.class,
        List.of(dir.toAbsolutePath().toString()));
    try {
      String line = process.await("HDFS ", Duration.ofMinutes(2));
      return new BenchHdfs(process, URI.create(line.substring("HDFS ".length()).trim()));
    } catch (RuntimeException | InterruptedException e) {
      process.close();
      throw e;
    }
  }

  /** {@code hdfs://host:port/path}. */
  URI uri(String path) {
    return URI.create(uri + path);
  }

  /** Asks the namenode's process how many calls it has answered. */
  Requests requests() throws IOException, InterruptedException {
    process.send("requests");
    String[] parts = process.await("REQUESTS ", Duration.ofSeconds(30)).trim().split(" ");
    return new Requests(Long.parseLong(parts[1]), Long.parseLong(parts[2]));
  }

  /** Shuts the cluster down (the child exits once its standard input ends). */
  @Override
  public void close() {
    process.close();
  }
}
