package io.corral.netns;

import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hdfs.server.datanode.DataNode;
import org.apache.hadoop.hdfs.server.namenode.NameNode;
import org.apache.hadoop.metrics2.lib.DefaultMetricsSystem;

/**
 * An HDFS machine: a namenode on {@code <address>:8020} and one datanode, in one JVM, as
 * {@code hdfs namenode} and {@code hdfs datanode} would run on a host of the network (every address
 * the host's own, so that other hosts reach the datanode at the address it registered with). Prints
 * {@code hdfs: hdfs://<address>:8020} once the datanode serves, then runs until killed.
 *
 * <p>Run as {@code java -cp <the test class path> io.corral.netns.HdfsHost <address> <dir>} in the
 * host's namespace.
 */
public final class HdfsHost {
  static final int PORT = 8020;

  private HdfsHost() {}

  public static void main(String[] args) {
    try {
      run(args);
    } catch (Throwable t) {
      t.printStackTrace();
      System.exit(1); // Hadoop's own threads would keep a failed JVM alive
    }
  }

  private static void run(String[] args) throws Exception {
    // The namenode is formatted in the same JVM: its metrics sources are registered twice.
    DefaultMetricsSystem.setMiniClusterMode(true);
    String address = args[0];
    Path dir = Path.of(args[1]);
    Configuration conf = new Configuration();
    conf.set("fs.defaultFS", "hdfs://" + address + ":" + PORT);
    conf.set("dfs.namenode.rpc-address", address + ":" + PORT);
    conf.set("dfs.namenode.http-address", address + ":0");
    conf.set("dfs.namenode.secondary.http-address", address + ":0");
    conf.set("dfs.datanode.address", address + ":0");
    conf.set("dfs.datanode.http.address", address + ":0");
    conf.set("dfs.datanode.ipc.address", address + ":0");
    conf.set("dfs.namenode.name.dir", dir.resolve("name").toUri().toString());
    conf.set("dfs.datanode.data.dir", dir.resolve("data").toUri().toString());
    conf.set("hadoop.tmp.dir", dir.resolve("tmp").toString());
    conf.setInt("dfs.replication", 1);
    conf.setInt("dfs.namenode.handler.count", 4);
    conf.setInt("dfs.namenode.safemode.extension", 0);
    conf.setInt("dfs.heartbeat.interval", 1);
    // Every user of the walk-through writes where it needs to (its staging directory, /in, /out).
    conf.setBoolean("dfs.permissions.enabled", false);
    NameNode.format(conf);
    NameNode namenode = NameNode.createNameNode(new String[0], conf);
    DataNode datanode = DataNode.createDataNode(new String[0], conf);
    long deadline = System.nanoTime() + 120_000_000_000L;
    while (namenode.getNamesystem().getNumLiveDataNodes() < 1 || namenode.isInSafeMode()
        || !datanode.isDatanodeFullyStarted()) {
      if (System.nanoTime() > deadline) {
        System.err.println("hdfs: the datanode did not register within 2 minutes");
        System.exit(1);
      }
      Thread.sleep(100); // polling the namenode for its datanode: there is no callback to wait on
    }
    System.out.println("hdfs: hdfs://" + address + ":" + PORT);
    namenode.join();
  }
}
