package io.corral.hadoop.client;

import io.corral.hadoop.common.CorralMr;
import io.corral.hadoop.common.FinalStatus;
import io.corral.hadoop.common.JobCredentials;
import io.corral.protocol.FrameworkInfo;
import io.corral.protocol.TaskState;
import io.corral.protocol.TaskStatus;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.mapreduce.Counters;
import org.apache.hadoop.mapreduce.JobID;
import org.apache.hadoop.mapreduce.JobStatus;
import org.apache.hadoop.mapreduce.TypeConverter;
import org.apache.hadoop.mapreduce.v2.api.records.JobState;
import org.apache.hadoop.mapreduce.v2.util.MRBuilderUtils;
import org.apache.hadoop.yarn.api.records.ApplicationAttemptId;
import org.apache.hadoop.yarn.api.records.ApplicationId;
import org.apache.hadoop.yarn.api.records.ContainerExitStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices a job whose AM died without leaving a final status, which YARN's RM would report as a
 * failed application: when the AM's port has refused connections for a while (or the AM never
 * published its address), asks the master what became of the AM task ({@link AmProbe}), and if
 * it has ended writes the job's final status as FAILED with YARN's diagnostics, so this and later
 * clients see the end instead of RUNNING forever.
 */
final class AmWatch {
  private static final Logger LOG = LoggerFactory.getLogger(AmWatch.class);
  /** A dead AM's port refuses at once; a few seconds rule out a restart of the connection. */
  private static final long REFUSED_MILLIS = 3_000;
  /** An AM publishes its address once its services run; after this long without, it is probed. */
  private static final long UNPUBLISHED_MILLIS = 120_000;
  private static final long PROBE_EVERY_MILLIS = 10_000;
  private static final Duration PROBE_WAIT = Duration.ofSeconds(10);

  private final Configuration conf;
  private final String user;
  private final AmClient am;
  private final Map<JobID, Long> lastProbe = new ConcurrentHashMap<>();

  AmWatch(Configuration conf, String user, AmClient am) {
    this.conf = conf;
    this.user = user;
    this.am = am;
  }

  /** Records the job's framework, so any client can probe its AM later. */
  void submitted(JobID id, FrameworkInfo framework) throws IOException {
    Path file = CorralMr.frameworkFile(conf, user, id);
    try (FSDataOutputStream out = file.getFileSystem(conf).create(file, true)) {
      out.write(String.join("\n", framework.getId(), framework.getRole(), framework.getName())
          .getBytes(StandardCharsets.UTF_8));
    }
  }

  /**
   * The job's final status if its AM is found dead (then also written for later clients), or null
   * while the AM may still answer.
   */
  FinalStatus check(JobID id, JobStatus last, Counters counters) throws IOException {
    Path file = CorralMr.frameworkFile(conf, user, id);
    FileSystem fs = file.getFileSystem(conf);
    if (!fs.exists(file)) {
      return null; // not submitted through this bridge (yet)
    }
    boolean suspect = am.refusedMillis(id) >= REFUSED_MILLIS
        || !am.published(id) && System.currentTimeMillis() - fs.getFileStatus(file).getModificationTime()
            >= UNPUBLISHED_MILLIS;
    long now = System.currentTimeMillis();
    if (!suspect || now - lastProbe.getOrDefault(id, 0L) < PROBE_EVERY_MILLIS) {
      return null;
    }
    lastProbe.put(id, now);
    List<String> lines = read(fs, file);
    FrameworkInfo framework = FrameworkInfo.newBuilder().setId(lines.get(0)).setRole(lines.get(1))
        .setName(lines.size() > 2 ? lines.get(2) : "").setUser(user)
        .setFailoverTimeout(conf.getDouble(CorralMr.FAILOVER_TIMEOUT, CorralMr.FAILOVER_TIMEOUT_DEFAULT)).build();
    LOG.warn("the AM of {} does not answer: asking the master about framework {}", id, framework.getId());
    Optional<TaskStatus> ended = AmProbe.amEnded(conf.get(CorralMr.MASTER), JobCredentials.client(conf), framework,
        PROBE_WAIT);
    if (ended.isEmpty()) {
      return null;
    }
    FinalStatus f = new FinalStatus(failed(id, last, ended.get()), counters != null ? counters : new Counters());
    Path finalFile = CorralMr.finalStatusFile(conf, user, id);
    if (am.finalStatus(id) == null) {
      f.write(finalFile.getFileSystem(conf), finalFile);
    }
    LOG.warn("{} failed: {}", id, f.status().getFailureInfo());
    return f;
  }

  /** YARN's words for an application whose (only) AM attempt died (RMAppAttemptImpl, RMAppImpl). */
  private JobStatus failed(JobID id, JobStatus last, TaskStatus am) {
    ApplicationId appId = TypeConverter.toYarn(id).getAppId();
    ApplicationAttemptId attempt = ApplicationAttemptId.newInstance(appId, 1);
    TaskState state = am.getState();
    boolean lost = state == TaskState.TASK_LOST || state == TaskState.TASK_UNREACHABLE
        || state == TaskState.TASK_GONE || state == TaskState.TASK_UNKNOWN;
    int exit = am.hasExitCode() ? am.getExitCode()
        : lost ? ContainerExitStatus.ABORTED : ContainerExitStatus.INVALID;
    String diagnostics = "Application " + appId + " failed 1 times due to AM Container for " + attempt
        + " exited with  exitCode: " + exit + "\nFailing this attempt.Diagnostics: [Corral task "
        + AmLauncher.AM_TASK_ID + " " + state + "] " + am.getMessage() + "\n. Failing the application.";
    long now = System.currentTimeMillis();
    return TypeConverter.fromYarn(MRBuilderUtils.newJobReport(TypeConverter.toYarn(id), last.getJobName(), user,
        JobState.FAILED, last.getStartTime(), last.getStartTime(), now, last.getSetupProgress(),
        last.getMapProgress(), last.getReduceProgress(), last.getCleanupProgress(), last.getJobFile(), List.of(),
        false, diagnostics), last.getTrackingUrl());
  }

  private static List<String> read(FileSystem fs, Path file) throws IOException {
    try (InputStream in = fs.open(file)) {
      return List.of(new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n", -1));
    }
  }
}
