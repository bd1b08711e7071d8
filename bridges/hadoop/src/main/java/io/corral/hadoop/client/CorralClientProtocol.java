package io.corral.hadoop.client;

import io.corral.common.resources.Resources;
import io.corral.common.security.ClientCredentials;
import io.corral.hadoop.common.AgentJvm;
import io.corral.hadoop.common.CorralMr;
import io.corral.hadoop.common.JobCredentials;
import io.corral.hadoop.common.FinalStatus;
import io.corral.protocol.CommandInfo;
import io.corral.protocol.FrameworkInfo;
import io.corral.scheduler.ResourceRequest;
import io.corral.scheduler.TaskInfos;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.ipc.ProtocolSignature;
import org.apache.hadoop.mapred.JobConf;
import org.apache.hadoop.mapreduce.ClusterMetrics;
import org.apache.hadoop.mapreduce.Counters;
import org.apache.hadoop.mapreduce.JobID;
import org.apache.hadoop.mapreduce.JobPriority;
import org.apache.hadoop.mapreduce.JobStatus;
import org.apache.hadoop.mapreduce.MRJobConfig;
import org.apache.hadoop.mapreduce.QueueAclsInfo;
import org.apache.hadoop.mapreduce.QueueInfo;
import org.apache.hadoop.mapreduce.TaskAttemptID;
import org.apache.hadoop.mapreduce.TaskCompletionEvent;
import org.apache.hadoop.mapreduce.TaskReport;
import org.apache.hadoop.mapreduce.TaskTrackerInfo;
import org.apache.hadoop.mapreduce.TaskType;
import org.apache.hadoop.mapreduce.TypeConverter;
import org.apache.hadoop.mapreduce.protocol.ClientProtocol;
import org.apache.hadoop.mapreduce.security.token.delegation.DelegationTokenIdentifier;
import org.apache.hadoop.mapreduce.v2.api.protocolrecords.FailTaskAttemptRequest;
import org.apache.hadoop.mapreduce.v2.api.protocolrecords.GetCountersRequest;
import org.apache.hadoop.mapreduce.v2.api.protocolrecords.GetDiagnosticsRequest;
import org.apache.hadoop.mapreduce.v2.api.protocolrecords.GetJobReportRequest;
import org.apache.hadoop.mapreduce.v2.api.protocolrecords.GetTaskAttemptCompletionEventsRequest;
import org.apache.hadoop.mapreduce.v2.api.protocolrecords.GetTaskReportsRequest;
import org.apache.hadoop.mapreduce.v2.api.protocolrecords.KillJobRequest;
import org.apache.hadoop.mapreduce.v2.api.protocolrecords.KillTaskAttemptRequest;
import org.apache.hadoop.mapreduce.v2.api.records.JobReport;
import org.apache.hadoop.mapreduce.v2.util.MRApps;
import org.apache.hadoop.security.Credentials;
import org.apache.hadoop.security.UserGroupInformation;
import org.apache.hadoop.security.authorize.AccessControlList;
import org.apache.hadoop.security.token.Token;
import org.apache.hadoop.mapreduce.v2.LogParams;
import org.apache.hadoop.yarn.api.ApplicationConstants;
import org.apache.hadoop.yarn.api.ApplicationConstants.Environment;
import org.apache.hadoop.yarn.api.records.ApplicationAttemptId;
import org.apache.hadoop.yarn.api.records.ApplicationId;
import org.apache.hadoop.yarn.api.records.ContainerId;
import org.apache.hadoop.yarn.factories.RecordFactory;
import org.apache.hadoop.yarn.factory.providers.RecordFactoryProvider;

/**
 * The client's side of a Corral job (YARNRunner's place): submits the job by starting its AM as
 * a Corral framework, then asks that AM (or, once it is gone, the status it left) everything else.
 */
public final class CorralClientProtocol implements ClientProtocol {
  private static final AtomicInteger SEQ = new AtomicInteger();
  private static final RecordFactory RECORDS = RecordFactoryProvider.getRecordFactory(null);

  private final Configuration conf;
  private final String user;
  private final AmClient am;
  private final AmWatch watch;
  private final Map<JobID, JobStatus> lastStatus = new java.util.concurrent.ConcurrentHashMap<>();
  private final Map<JobID, Counters> lastCounters = new java.util.concurrent.ConcurrentHashMap<>();

  CorralClientProtocol(Configuration conf) throws IOException {
    this.conf = conf;
    this.user = UserGroupInformation.getCurrentUser().getShortUserName();
    this.am = new AmClient(conf, user);
    this.watch = new AmWatch(conf, user, am);
  }

  void close() {
    am.close();
  }

  // --- submission ---

  @Override
  public JobID getNewJobID() throws IOException {
    return new JobIds(conf, user, System::currentTimeMillis, SEQ).next();
  }

  @Override
  public String getStagingAreaDir() throws IOException {
    Path dir = MRApps.getStagingAreaDir(conf, user);
    return dir.getFileSystem(conf).makeQualified(dir).toString();
  }

  @Override
  public String getSystemDir() {
    return new Path(conf.get("mapreduce.jobtracker.system.dir", "/tmp/hadoop/mapred/system")).toString();
  }

  @Override
  public String getFilesystemName() throws IOException {
    return FileSystem.get(conf).getUri().toString();
  }

  @Override
  public AccessControlList getQueueAdmins(String queueName) {
    return new AccessControlList(" ");
  }

  @Override
  public JobStatus submitJob(JobID jobId, String jobSubmitDir, Credentials ts) throws IOException {
    Path submitDir = new Path(jobSubmitDir);
    FileSystem fs = submitDir.getFileSystem(conf);
    JobConf job = new JobConf(false);
    job.addResource(fs.open(new Path(submitDir, MRJobConfig.JOB_CONF_FILE)));
    ClientCredentials credentials = JobCredentials.client(job); // a wrong setting fails the submission here
    AgentJvm.requireRunnableClasspath(job, ClassLoader.getSystemClassLoader());
    JobCredentials.carry(credentials, ts); // for the AM, which subscribes as the job's framework
    Path tokens = new Path(submitDir, CorralMr.AM_TOKENS_FILE);
    ts.writeTokenStorageFile(fs.makeQualified(tokens), conf);

    ApplicationId appId = TypeConverter.toYarn(jobId).getAppId();
    ContainerId amContainer = ContainerId.newContainerId(ApplicationAttemptId.newInstance(appId, 1), 1);
    Map<String, String> env = new LinkedHashMap<>();
    env.put(Environment.CONTAINER_ID.name(), amContainer.toString());
    env.put(ApplicationConstants.APP_SUBMIT_TIME_ENV, Long.toString(System.currentTimeMillis()));
    env.put(Environment.USER.name(), user);
    // The AM copies job.xml, the jar and its tokens from here itself: one JVM that has HDFS
    // already, rather than an agent fetcher process per file (seconds each).
    env.put(CorralMr.ENV_SUBMIT_DIR, fs.makeQualified(submitDir).toString());
    // Classes from the bundle the agent fetches (AgentJvm), or from a classpath every agent has.
    // Sandbox entries are relative: a command task's sandbox path holds a ':' (executor corral:command).
    String classpath = AgentJvm.classpath(job);
    if (!AgentJvm.fromBundle(job)) {
      env.put(CorralMr.ENV_CLASSPATH, classpath);
    }
    String opts = AgentJvm.ADD_OPENS + " " + AgentJvm.LOG4J_OPTIONS + " " + job.get(MRJobConfig.MR_AM_ADMIN_COMMAND_OPTS, "") + " "
        + job.get(MRJobConfig.MR_AM_COMMAND_OPTS, MRJobConfig.DEFAULT_MR_AM_COMMAND_OPTS);
    String command = "mkdir -p tmp && exec '" + CorralMr.javaCommand() + "' " + opts
        + " -Djava.io.tmpdir=\"$PWD/tmp\" -cp \".:job.jar:" + classpath + "\" "
        + AgentJvm.AM_CLASS;
    CommandInfo.Builder cmd = AgentJvm.withBundle(TaskInfos.shell(command, env), job).toBuilder();
    ResourceRequest need = new ResourceRequest(Resources.builder()
        .cpus(job.getInt(MRJobConfig.MR_AM_CPU_VCORES, MRJobConfig.DEFAULT_MR_AM_CPU_VCORES))
        .mem(job.getInt(MRJobConfig.MR_AM_VMEM_MB, MRJobConfig.DEFAULT_MR_AM_VMEM_MB)).build(), 0);
    String role = Roles.of(job);
    FrameworkInfo framework = FrameworkInfo.newBuilder().setName(job.getJobName()).setRole(role).setUser(user)
        .setFailoverTimeout(job.getDouble(CorralMr.FAILOVER_TIMEOUT, CorralMr.FAILOVER_TIMEOUT_DEFAULT))
        .putLabels("hadoop.application", appId.toString()).build();
    String sizedBy = MRJobConfig.MR_AM_VMEM_MB + " / " + MRJobConfig.MR_AM_CPU_VCORES;
    String frameworkId = AmLauncher.launch(conf.get(CorralMr.MASTER), credentials, framework, need, sizedBy, cmd.build(),
        CorralMr.ENV_FRAMEWORK_ID, Duration.ofSeconds(job.getLong(CorralMr.AM_LAUNCH_TIMEOUT, 300)));
    watch.submitted(jobId, framework.toBuilder().setId(frameworkId).build());
    return getJobStatus(jobId);
  }

  // --- questions for the AM ---

  @Override
  public JobStatus getJobStatus(JobID jobId) throws IOException {
    GetJobReportRequest req = RECORDS.newRecordInstance(GetJobReportRequest.class);
    req.setJobId(TypeConverter.toYarn(jobId));
    JobReport report = am.ask(jobId, p -> p.getJobReport(req).getJobReport());
    JobStatus status;
    if (report != null) {
      String url = report.getTrackingUrl();
      status = TypeConverter.fromYarn(report, url == null || url.isEmpty() ? am.trackingUrl(jobId) : url);
    } else {
      JobStatus last = lastStatus.getOrDefault(jobId, startingStatus(jobId));
      FinalStatus f = am.finalStatus(jobId);
      if (f == null) {
        f = watch.check(jobId, last, lastCounters.get(jobId)); // has the AM died?
      }
      status = f != null ? f.status() : last;
    }
    lastStatus.put(jobId, status);
    return status;
  }

  private JobStatus startingStatus(JobID jobId) throws IOException {
    return new JobStatus(jobId, 0, 0, 0, 0, JobStatus.State.PREP, JobPriority.DEFAULT, user, "",
        MRApps.getJobFile(conf, user, org.apache.hadoop.mapred.JobID.downgrade(jobId)), "");
  }

  @Override
  public Counters getJobCounters(JobID jobId) throws IOException {
    GetCountersRequest req = RECORDS.newRecordInstance(GetCountersRequest.class);
    req.setJobId(TypeConverter.toYarn(jobId));
    org.apache.hadoop.mapreduce.v2.api.records.Counters c = am.ask(jobId, p -> p.getCounters(req).getCounters());
    if (c != null) {
      Counters counters = TypeConverter.fromYarn(c);
      lastCounters.put(jobId, counters);
      return counters;
    }
    FinalStatus f = am.finalStatus(jobId);
    return f == null ? null : f.counters();
  }

  @Override
  public TaskReport[] getTaskReports(JobID jobId, TaskType type) throws IOException {
    GetTaskReportsRequest req = RECORDS.newRecordInstance(GetTaskReportsRequest.class);
    req.setJobId(TypeConverter.toYarn(jobId));
    req.setTaskType(TypeConverter.toYarn(type));
    List<org.apache.hadoop.mapreduce.v2.api.records.TaskReport> r =
        am.ask(jobId, p -> p.getTaskReports(req).getTaskReportList());
    return r == null ? new TaskReport[0] : TypeConverter.fromYarn(r).toArray(new TaskReport[0]);
  }

  @Override
  public TaskCompletionEvent[] getTaskCompletionEvents(JobID jobId, int fromEventId, int maxEvents)
      throws IOException {
    GetTaskAttemptCompletionEventsRequest req =
        RECORDS.newRecordInstance(GetTaskAttemptCompletionEventsRequest.class);
    req.setJobId(TypeConverter.toYarn(jobId));
    req.setFromEventId(fromEventId);
    req.setMaxEvents(maxEvents);
    var events = am.ask(jobId, p -> p.getTaskAttemptCompletionEvents(req).getCompletionEventList());
    return events == null ? new TaskCompletionEvent[0]
        : TypeConverter.fromYarn(events.toArray(new org.apache.hadoop.mapreduce.v2.api.records
            .TaskAttemptCompletionEvent[0]));
  }

  @Override
  public String[] getTaskDiagnostics(TaskAttemptID taskId) throws IOException {
    GetDiagnosticsRequest req = RECORDS.newRecordInstance(GetDiagnosticsRequest.class);
    req.setTaskAttemptId(TypeConverter.toYarn(taskId));
    List<String> d = am.ask(taskId.getJobID(), p -> p.getDiagnostics(req).getDiagnosticsList());
    return d == null ? new String[0] : d.toArray(new String[0]);
  }

  @Override
  public void killJob(JobID jobId) throws IOException {
    KillJobRequest req = RECORDS.newRecordInstance(KillJobRequest.class);
    req.setJobId(TypeConverter.toYarn(jobId));
    if (am.ask(jobId, p -> p.killJob(req)) == null && am.finalStatus(jobId) == null) {
      throw new IOException("cannot kill " + jobId + ": its AM is not up (yet)");
    }
  }

  @Override
  public boolean killTask(TaskAttemptID taskId, boolean shouldFail) throws IOException {
    if (shouldFail) {
      FailTaskAttemptRequest req = RECORDS.newRecordInstance(FailTaskAttemptRequest.class);
      req.setTaskAttemptId(TypeConverter.toYarn(taskId));
      return am.ask(taskId.getJobID(), p -> p.failTaskAttempt(req)) != null;
    }
    KillTaskAttemptRequest req = RECORDS.newRecordInstance(KillTaskAttemptRequest.class);
    req.setTaskAttemptId(TypeConverter.toYarn(taskId));
    return am.ask(taskId.getJobID(), p -> p.killTaskAttempt(req)) != null;
  }

  // --- the cluster (what Corral has no equivalent for is empty) ---

  @Override
  public ClusterMetrics getClusterMetrics() {
    return new ClusterMetrics(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
  }

  @Override
  public org.apache.hadoop.mapreduce.Cluster.JobTrackerStatus getJobTrackerStatus() {
    return org.apache.hadoop.mapreduce.Cluster.JobTrackerStatus.RUNNING;
  }

  @Override
  public long getTaskTrackerExpiryInterval() {
    return 0;
  }

  @Override
  public void setJobPriority(JobID jobid, String priority) {}

  @Override
  public JobStatus[] getAllJobs() {
    return new JobStatus[0];
  }

  @Override
  public TaskTrackerInfo[] getActiveTrackers() {
    return new TaskTrackerInfo[0];
  }

  @Override
  public TaskTrackerInfo[] getBlacklistedTrackers() {
    return new TaskTrackerInfo[0];
  }

  @Override
  public String getJobHistoryDir() {
    return conf.get(MRJobConfig.MR_AM_STAGING_DIR, MRJobConfig.DEFAULT_MR_AM_STAGING_DIR) + "/history/done";
  }

  // Queues are Corral roles (see Roles): a flat list, no children.

  @Override
  public QueueInfo[] getQueues() {
    return Roles.queues(conf);
  }

  @Override
  public QueueInfo getQueue(String queueName) {
    return Roles.queue(queueName);
  }

  @Override
  public QueueAclsInfo[] getQueueAclsForCurrentUser() {
    return Roles.acls(conf);
  }

  @Override
  public QueueInfo[] getRootQueues() {
    return Roles.queues(conf);
  }

  @Override
  public QueueInfo[] getChildQueues(String queueName) {
    return new QueueInfo[0];
  }

  @Override
  public Token<DelegationTokenIdentifier> getDelegationToken(Text renewer) {
    return null; // security is not supported yet
  }

  @Override
  public long renewDelegationToken(Token<DelegationTokenIdentifier> token) {
    return 0;
  }

  @Override
  public void cancelDelegationToken(Token<DelegationTokenIdentifier> token) {}

  @Override
  public LogParams getLogFileParams(JobID jobID, TaskAttemptID taskAttemptID) {
    return null;
  }

  @Override
  public long getProtocolVersion(String protocol, long clientVersion) {
    return ClientProtocol.versionID;
  }

  @Override
  public ProtocolSignature getProtocolSignature(String protocol, long clientVersion, int clientMethodsHash)
      throws IOException {
    return ProtocolSignature.getProtocolSignature(this, protocol, clientVersion, clientMethodsHash);
  }

}
