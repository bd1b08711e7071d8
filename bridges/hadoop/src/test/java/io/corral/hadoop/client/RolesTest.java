package io.corral.hadoop.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.corral.hadoop.common.CorralMr;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.mapreduce.Cluster;
import org.apache.hadoop.mapreduce.MRConfig;
import org.apache.hadoop.mapreduce.MRJobConfig;
import org.apache.hadoop.mapreduce.QueueInfo;
import org.junit.jupiter.api.Test;

/** Hadoop's queue commands, answered with Corral roles (no master needed: the list is the client's). */
class RolesTest {

  private static Configuration conf() {
    Configuration conf = new Configuration(false);
    conf.set(MRConfig.FRAMEWORK_NAME, CorralMr.FRAMEWORK_NAME);
    conf.set(CorralMr.MASTER, "127.0.0.1:1");
    return conf;
  }

  @Test
  void aJobsRoleIsCorralRoleElseItsQueue() {
    Configuration conf = conf();
    assertThat(Roles.of(conf)).isEqualTo("default");
    conf.set(MRJobConfig.QUEUE_NAME, "etl");
    assertThat(Roles.of(conf)).isEqualTo("etl");
    conf.set(CorralMr.ROLE, "analytics");
    assertThat(Roles.of(conf)).isEqualTo("analytics");
  }

  @Test
  void mapredQueueListShowsTheConfiguredRolesAndDefault() throws Exception {
    // What `mapred queue -list` runs (JobQueueClient is package-private: a JVM of its own).
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m",
        "-cp", System.getProperty("java.class.path"), "org.apache.hadoop.mapred.JobQueueClient",
        "-Dmapreduce.framework.name=corral", "-Dcorral.master=127.0.0.1:1", "-Dmapreduce.job.queuename=etl",
        "-Dcorral.role=analytics", "-list").redirectErrorStream(true).start();
    String listed = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(1, TimeUnit.MINUTES)).isTrue();
    assertThat(p.exitValue()).as(listed).isZero();
    assertThat(listed).contains("Queue Name : default").contains("Queue Name : etl")
        .contains("Queue Name : analytics").containsIgnoringCase("Queue State : running").contains("DRF");
  }

  @Test
  void anyRoleCanBeAskedFor() throws Exception {
    Cluster cluster = new Cluster(conf());
    try {
      QueueInfo q = cluster.getQueue("team-b");
      assertThat(q.getQueueName()).isEqualTo("team-b");
      assertThat(q.getJobStatuses()).isEmpty();
      assertThat(cluster.getQueues()).extracting(QueueInfo::getQueueName).containsExactly("default");
      assertThat(cluster.getQueueAclsForCurrentUser()).hasSize(1);
    } finally {
      cluster.close();
    }
  }
}
