package io.corral.hadoop.common;

import java.io.File;
import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.mapreduce.JobID;
import org.apache.hadoop.mapreduce.v2.util.MRApps;

/** The bridge's settings and where it keeps per-job files. */
public final class CorralMr {
  /** {@code mapreduce.framework.name} value that selects this bridge. */
  public static final String FRAMEWORK_NAME = "corral";
  /** Where the master is: {@code host:port} or {@code zk://host:port/path}. */
  public static final String MASTER = "corral.master";
  /** The Corral role of the job's framework; default: {@code mapreduce.job.queuename}. */
  public static final String ROLE = "corral.role";
  /**
   * Classpath of the JVMs the bridge starts on agents (job AM, TaskTracker executor, tasks): Hadoop's
   * jars plus corral-hadoop.jar. Default: the submitting client's own classpath.
   */
  public static final String CLASSPATH = "corral.hadoop.classpath";
  /** Memory (MiB) of the per-agent TaskTracker executor (ShuffleHandler); its heap is 3/4 of it. */
  public static final String TASKTRACKER_MEMORY_MB = "corral.tasktracker.memory.mb";
  public static final int TASKTRACKER_MEMORY_MB_DEFAULT = 192;
  /**
   * How long a job's TaskTracker executor may stay idle (no container of the job on its agent, no
   * map output a reducer still needs) before the job releases it; a time duration ({@code 5s},
   * {@code 500ms}; a plain number is seconds). 0 keeps executors until the job ends.
   */
  public static final String TASKTRACKER_IDLE_TIMEOUT = "corral.tasktracker.idle.timeout";
  public static final long TASKTRACKER_IDLE_TIMEOUT_DEFAULT_SECONDS = 5;
  /** Seconds the master keeps a job's framework while its AM is (re)connecting. */
  public static final String FAILOVER_TIMEOUT = "corral.failover.timeout";
  public static final double FAILOVER_TIMEOUT_DEFAULT = 3600;
  /** Seconds the client waits for the job's AM to start. */
  public static final String AM_LAUNCH_TIMEOUT = "corral.am.launch.timeout";

  /** Environment of the AM task. */
  public static final String ENV_FRAMEWORK_ID = "CORRAL_HADOOP_FRAMEWORK_ID";
  public static final String ENV_CLASSPATH = "CORRAL_HADOOP_CLASSPATH";
  /** The job's submit dir (qualified): the AM copies job.xml, job.jar and its tokens from there. */
  public static final String ENV_SUBMIT_DIR = "CORRAL_HADOOP_SUBMIT_DIR";

  /** Files in the job's submit dir. */
  public static final String AM_TOKENS_FILE = "corral-am.tokens";

  private CorralMr() {}

  /** Kept apart from the job's submit dir, which the AM deletes when the job ends. */
  public static Path jobInfoDir(Configuration conf, String user, JobID jobId) throws IOException {
    return new Path(MRApps.getStagingAreaDir(conf, user), ".corral/" + jobId);
  }

  /** {@code host:port} of the AM's MRClientProtocol server, written by the AM once it is up. */
  public static Path amAddressFile(Configuration conf, String user, JobID jobId) throws IOException {
    return new Path(jobInfoDir(conf, user, jobId), "am-address");
  }

  /** The job's Corral framework (id, role, name; a line each), written by the client at submission. */
  public static Path frameworkFile(Configuration conf, String user, JobID jobId) throws IOException {
    return new Path(jobInfoDir(conf, user, jobId), "framework");
  }

  /** The job's final status and counters, written by the AM before it exits. */
  public static Path finalStatusFile(Configuration conf, String user, JobID jobId) throws IOException {
    return new Path(jobInfoDir(conf, user, jobId), "final-status");
  }

  /** The classpath for JVMs on agents: the setting, or this JVM's own (relative entries made absolute). */
  public static String classpath(Configuration conf) {
    String env = System.getenv(ENV_CLASSPATH);
    String own = java.util.Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .filter(e -> !e.isEmpty()).map(e -> new File(e).getAbsolutePath())
        .collect(java.util.stream.Collectors.joining(File.pathSeparator));
    return conf.get(CLASSPATH, env != null ? env : own);
  }

  public static String javaCommand() {
    return System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
  }

  /**
   * The host the AM and the TaskTrackers tell others (clients, reducers fetching map output): the
   * host their agent advertises ({@code CORRAL_AGENT_HOSTNAME}, which the agent sets for every
   * executor and task), else this host's name. Behind a NAT the agent's {@code --advertise-host} so
   * reaches them too.
   */
  public static String advertisedHost() throws java.net.UnknownHostException {
    String agent = System.getenv("CORRAL_AGENT_HOSTNAME");
    return agent != null && !agent.isBlank() ? agent : java.net.InetAddress.getLocalHost().getCanonicalHostName();
  }
}
