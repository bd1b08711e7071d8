package io.corral.benchmarks;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.hadoop.hdfs.server.namenode.AuditLogger;

/**
 * The HDFS of {@link FetchBenchmark}, alone in its JVM: a {@link MiniDFSCluster} with one namenode
 * and one datanode (replication 1), data under the directory given as the only argument. Prints
 * {@code HDFS <uri>} once the datanode has registered and safe mode is off, then answers commands
 * read from standard input, one per line: {@code requests} prints {@code REQUESTS <calls> <opens>},
 * the client calls the namenode has answered and how many of them opened a file for reading.
 * Shuts the cluster down and exits when its standard input ends.
 */
public final class BenchHdfsProcess {
  private BenchHdfsProcess() {}

  public static void main(String[] args) throws Exception {
    if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "error");
      // At shutdown the datanode reports that its threads were interrupted, as they are meant to be.
      System.setProperty("org.slf4j.simpleLogger.log.org.apache.hadoop.hdfs.server.datanode", "off");
    }
    Configuration conf = new Configuration();
    conf.setInt("dfs.replication", 1);
    conf.setInt("dfs.namenode.handler.count", 4);
    conf.set("dfs.namenode.audit.loggers", Requests.class.getName());
    MiniDFSCluster cluster = new MiniDFSCluster.Builder(conf, Path.of(args[0]).toFile()).numDataNodes(1).build();
    try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
      System.out.println("HDFS " + cluster.getURI());
      System.out.flush();
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        if (line.trim().equals("requests")) {
          System.out.println("REQUESTS " + Requests.CALLS.get() + " " + Requests.OPENS.get());
        } else {
          System.out.println("ERROR unknown command " + line);
        }
        System.out.flush();
      }
    } finally {
      cluster.shutdown(true);
    }
    System.exit(0);
  }

  /**
   * The namenode's audit logger, here only to count: it sees every client call as it is answered
   * (opening a file for reading is {@code open}, Hadoop's {@code getBlockLocations}). The JMX
   * counter {@code GetBlockLocations} would serve too, but Hadoop refreshes what JMX shows at most
   * every 10 s. The namenode creates the logger by class name, hence the static counters.
   */
  public static final class Requests implements AuditLogger {
    static final AtomicLong CALLS = new AtomicLong();
    static final AtomicLong OPENS = new AtomicLong();

    @Override
    public void initialize(Configuration conf) {}

    @Override
    public void logAuditEvent(boolean succeeded, String user, InetAddress address, String command, String source,
        String destination, FileStatus status) {
      CALLS.incrementAndGet();
      if ("open".equals(command)) {
        OPENS.incrementAndGet();
      }
    }
  }
}
