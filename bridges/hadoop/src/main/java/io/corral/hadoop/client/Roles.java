package io.corral.hadoop.client;

import io.corral.hadoop.common.CorralMr;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.mapreduce.JobStatus;
import org.apache.hadoop.mapreduce.MRJobConfig;
import org.apache.hadoop.mapreduce.QueueAclsInfo;
import org.apache.hadoop.mapreduce.QueueInfo;
import org.apache.hadoop.mapreduce.QueueState;

/**
 * Hadoop's queues are Corral roles: a job's role is {@code corral.role}, else its queue
 * ({@code mapreduce.job.queuename}), and the master shares the pool between roles by weighted DRF.
 *
 * <p>The scheduler API does not tell a framework which roles the master knows or their weights
 * ({@code --weights}); only the master's HTTP API will (issue 8). Until then the client lists the
 * roles its own configuration names, plus {@code default}. Any other name is accepted too: Corral
 * roles need no declaration.
 */
final class Roles {
  static final String DEFAULT = "default";
  private static final String SCHEDULING_INFO =
      "Corral role: shares the pool with the other roles by weighted DRF (weights: the master's --weights)";

  private Roles() {}

  /** The role a job runs under. */
  static String of(Configuration conf) {
    return conf.get(CorralMr.ROLE, conf.get(MRJobConfig.QUEUE_NAME, DEFAULT));
  }

  /** The roles this client knows of: its own role setting, its queue, and {@code default}. */
  static List<String> known(Configuration conf) {
    Set<String> names = new LinkedHashSet<>();
    names.add(DEFAULT);
    String queue = conf.get(MRJobConfig.QUEUE_NAME);
    if (queue != null && !queue.isBlank()) {
      names.add(queue.trim());
    }
    String role = conf.get(CorralMr.ROLE);
    if (role != null && !role.isBlank()) {
      names.add(role.trim());
    }
    return new ArrayList<>(names);
  }

  static QueueInfo queue(String name) {
    return new QueueInfo(name, SCHEDULING_INFO, QueueState.RUNNING, new JobStatus[0]);
  }

  static QueueInfo[] queues(Configuration conf) {
    return known(conf).stream().map(Roles::queue).toArray(QueueInfo[]::new);
  }

  /** Anyone may submit to any role (Corral has no per-role ACLs yet). */
  static QueueAclsInfo[] acls(Configuration conf) {
    return known(conf).stream()
        .map(n -> new QueueAclsInfo(n, new String[] {"SUBMIT_APPLICATIONS", "ADMINISTER_QUEUE"}))
        .toArray(QueueAclsInfo[]::new);
  }
}
