package io.corral.hadoop.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.corral.hadoop.common.CorralMr;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.hadoop.mapreduce.JobID;
import org.apache.hadoop.mapreduce.MRJobConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobIdsTest {
  @TempDir Path staging;

  private Configuration conf() {
    Configuration conf = new Configuration(false);
    conf.set(FileSystem.FS_DEFAULT_NAME_KEY, "file:///");
    conf.set(MRJobConfig.MR_AM_STAGING_DIR, staging.toString());
    return conf;
  }

  /** Two clients (each its own JVM, so each its own counter) asking in the same millisecond. */
  @Test
  void clientsStartedInTheSameMillisecondGetDifferentIds() throws IOException {
    JobIds first = new JobIds(conf(), "alice", () -> 1_796_666_483_052L, new AtomicInteger());
    JobIds second = new JobIds(conf(), "alice", () -> 1_796_666_483_052L, new AtomicInteger());

    JobID a = first.next();
    JobID b = second.next();

    assertThat(a.toString()).isEqualTo("job_1796666483052_0001");
    assertThat(b.toString()).isEqualTo("job_1796666483052_0002");
    assertThat(FileSystem.get(conf()).exists(new org.apache.hadoop.fs.Path(
        CorralMr.jobInfoDir(conf(), "alice", b), JobIds.CLAIM_FILE))).isTrue();
  }

  @Test
  void aLaterMillisecondStartsFromTheClientsOwnCounter() throws IOException {
    long[] now = {1_000L};
    JobIds ids = new JobIds(conf(), "alice", () -> now[0], new AtomicInteger());
    assertThat(ids.next().toString()).isEqualTo("job_1000_0001");
    now[0] = 2_000L;
    assertThat(ids.next().toString()).isEqualTo("job_2000_0002");
  }

  /**
   * On HDFS a second creator is refused in two ways: while the first still holds the file open
   * (a lease conflict), and once it closed it (the file exists). Both move on to the next number.
   */
  @Test
  void onHdfsAClaimInProgressAndAFinishedOneAreBothTaken() throws Exception {
    Configuration conf = new Configuration();
    conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, staging.resolve("dfs").toString());
    try (MiniDFSCluster hdfs = new MiniDFSCluster.Builder(conf).numDataNodes(1).build()) {
      Configuration client = new Configuration(hdfs.getConfiguration(0));
      client.set(MRJobConfig.MR_AM_STAGING_DIR, "/staging");
      client.setBoolean("fs.hdfs.impl.disable.cache", true); // each client its own DFSClient, as JVMs have
      JobID first = new JobID("1000", 1);
      org.apache.hadoop.fs.Path claim = new org.apache.hadoop.fs.Path(
          CorralMr.jobInfoDir(client, "alice", first), JobIds.CLAIM_FILE);
      try (FileSystem writer = FileSystem.get(client);
          org.apache.hadoop.fs.FSDataOutputStream stillOpen = writer.create(claim, false)) {
        assertThat(new JobIds(client, "alice", () -> 1000L, new AtomicInteger()).next().toString())
            .isEqualTo("job_1000_0002");
      }
      assertThat(new JobIds(client, "alice", () -> 1000L, new AtomicInteger()).next().toString())
          .isEqualTo("job_1000_0003");
    }
  }

  @Test
  void anUnwritableStagingAreaIsAnErrorNotALoop() throws IOException {
    java.nio.file.Files.writeString(staging.resolve("alice"), "a file where the user's dir should be");
    JobIds ids = new JobIds(conf(), "alice", () -> 1_000L, new AtomicInteger());
    assertThatThrownBy(ids::next).isInstanceOf(IOException.class);
  }
}
