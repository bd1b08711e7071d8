package io.corral.hadoop.am;

import io.corral.common.security.ClientCredentials;
import io.corral.hadoop.common.CorralMr;
import io.corral.hadoop.common.JobCredentials;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.mapred.JobConf;
import org.apache.hadoop.mapreduce.MRJobConfig;
import org.apache.hadoop.mapreduce.v2.app.AppContext;
import org.apache.hadoop.mapreduce.v2.app.client.ClientService;
import org.apache.hadoop.mapreduce.v2.app.MRAppMaster;
import org.apache.hadoop.mapreduce.v2.app.launcher.ContainerLauncher;
import org.apache.hadoop.mapreduce.v2.app.rm.ContainerAllocator;
import org.apache.hadoop.mapreduce.v2.app.rm.preemption.AMPreemptionPolicy;
import org.apache.hadoop.security.Credentials;
import org.apache.hadoop.security.UserGroupInformation;
import org.apache.hadoop.util.ExitUtil;
import org.apache.hadoop.util.ShutdownHookManager;
import org.apache.hadoop.yarn.api.ApplicationConstants;
import org.apache.hadoop.yarn.api.ApplicationConstants.Environment;
import org.apache.hadoop.yarn.api.records.ContainerId;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hadoop's own MapReduce AM, with containers from Corral offers instead of a YARN
 * ResourceManager: the job's Corral framework. Everything else (job and task state machines,
 * retries, speculation, commit protocol, the umbilical, MRClientProtocol) is Hadoop's.
 *
 * <p>Started by the client as a Corral command task; it subscribes as the scheduler of the
 * framework the client registered (framework failover), so the job outlives the client.
 */
public class CorralMRAppMaster extends MRAppMaster {
  private static final Logger LOG = LoggerFactory.getLogger(CorralMRAppMaster.class);
  /** Runs after MRAppMaster's own hook (priority 30), so the AM's services are stopped first. */
  private static final int TEARDOWN_HOOK_PRIORITY = 10;
  private static final String HTTP_FILTER_INITIALIZERS = "hadoop.http.filter.initializers";

  /** What the AM presents to the master: the client's, carried in the job's credentials ({@link JobCredentials}). */
  private ClientCredentials corralCredentials = ClientCredentials.NONE;

  private final String frameworkId;
  private JobFramework framework;
  /** The job's preemption policy, as MRAppMaster created it (it keeps its own in a private field). */
  private AMPreemptionPolicy preemptionPolicy;

  public CorralMRAppMaster(ContainerId containerId, String host, long appSubmitTime, String frameworkId) {
    super(containerId.getApplicationAttemptId(), containerId, host, 0, 0, appSubmitTime);
    this.frameworkId = frameworkId;
  }

  private synchronized JobFramework framework(AppContext context) {
    if (framework == null) {
      framework = new JobFramework(context, getConfig(), frameworkId, getAttemptID(), corralCredentials);
    }
    return framework;
  }

  @Override
  protected ContainerAllocator createContainerAllocator(ClientService clientService, AppContext context) {
    return new CorralContainerAllocator(framework(context), clientService, context, this::preemptionPolicy);
  }

  /** Captures the policy the job's preemption notices go to (what RMContainerAllocator is given). */
  @Override
  protected AMPreemptionPolicy createPreemptionPolicy(Configuration conf) {
    AMPreemptionPolicy policy = super.createPreemptionPolicy(conf);
    synchronized (this) {
      preemptionPolicy = policy;
    }
    return policy;
  }

  private synchronized AMPreemptionPolicy preemptionPolicy() {
    return preemptionPolicy;
  }

  @Override
  protected ContainerLauncher createContainerLauncher(AppContext context) {
    return new CorralContainerLauncher(framework(context));
  }

  /**
   * MRAppMaster ends its JVM only when its own {@code main} started it (otherwise it takes itself
   * for a unit test and disables {@code System.exit}): end it here, which also runs the teardown
   * hook. A job's end is exit 0, whatever its state, as with YARN.
   */
  @Override
  public void shutDownJob() {
    try {
      super.shutDownJob();
    } finally {
      Runtime.getRuntime().exit(0);
    }
  }

  /** Tears the framework down (the master then stops every executor of the job). */
  private void teardown() {
    JobFramework f;
    synchronized (this) {
      f = framework;
    }
    if (f != null) {
      f.teardown();
    }
  }

  /** Environment: the AM task's, as the client set it (see CorralClientProtocol). */
  public static void main(String[] args) {
    try {
      ContainerId containerId = ContainerId.fromString(require(Environment.CONTAINER_ID.name()));
      long submitTime = Long.parseLong(require(ApplicationConstants.APP_SUBMIT_TIME_ENV));
      String frameworkId = require(CorralMr.ENV_FRAMEWORK_ID);
      String host = io.corral.hadoop.common.CorralMr.advertisedHost();
      CorralMRAppMaster am = new CorralMRAppMaster(containerId, host, submitTime, frameworkId);
      ShutdownHookManager.get().addShutdownHook(am::teardown, TEARDOWN_HOOK_PRIORITY);
      am.corralCredentials = stage(new Path(require(CorralMr.ENV_SUBMIT_DIR)));
      JobConf conf = new JobConf(new YarnConfiguration());
      conf.addResource(new Path(MRJobConfig.JOB_CONF_FILE));
      // One AM attempt for now: its end is the job's end (see README, "not done yet").
      conf.setInt(MRJobConfig.MR_AM_MAX_ATTEMPTS, 1);
      // A preemption notice kills the attempts it names at once, unless the job names its own policy.
      AmPreemption.defaultPolicy(conf);
      // JobSubmitter asks for YARN's AmIpFilter, which sends every browser to the ResourceManager's
      // proxy; there is none: the AM's web UI is the job's tracking URL itself.
      conf.setStrings(HTTP_FILTER_INITIALIZERS, java.util.Arrays.stream(conf.getTrimmedStrings(HTTP_FILTER_INITIALIZERS))
          .filter(f -> !f.endsWith(".AmFilterInitializer")).toArray(String[]::new));
      String user = require(Environment.USER.name());
      conf.set(MRJobConfig.USER_NAME, user);
      LOG.info("Corral AM for {} (framework {}) on {}", containerId.getApplicationAttemptId().getApplicationId(),
          frameworkId, host);
      initAndStartAppMaster(am, conf, user);
    } catch (Throwable t) {
      LOG.error("Error starting the Corral MRAppMaster", t);
      ExitUtil.terminate(1, t);
    }
  }

  /**
   * What a NodeManager localizes for the AM container, done by the AM itself: job.xml and the job
   * jar into the working directory (the jar also becomes the context class loader's, for the job's
   * own committer or output format classes), and the job's credentials into the current user
   * (the Corral credentials the client carried in them taken out, for the AM alone).
   */
  private static ClientCredentials stage(Path submitDir) throws IOException {
    Configuration conf = new Configuration();
    FileSystem fs = submitDir.getFileSystem(conf);
    java.io.File cwd = new java.io.File("").getAbsoluteFile();
    java.io.File jobXml = new java.io.File(cwd, MRJobConfig.JOB_CONF_FILE);
    fs.copyToLocalFile(false, new Path(submitDir, MRJobConfig.JOB_CONF_FILE), new Path(jobXml.toURI()), true);
    Configuration job = new Configuration(false);
    job.addResource(new Path(jobXml.toURI()));
    String jar = job.get(MRJobConfig.JAR);
    if (jar != null) {
      Path remote = new Path(jar);
      remote = remote.toUri().getScheme() == null ? fs.makeQualified(remote) : remote; // the submit dir's FS
      java.io.File local = new java.io.File(cwd, MRJobConfig.JOB_JAR);
      remote.getFileSystem(conf).copyToLocalFile(false, remote, new Path(local.toURI()), true);
      Thread.currentThread().setContextClassLoader(new URLClassLoader(new URL[] {local.toURI().toURL()},
          CorralMRAppMaster.class.getClassLoader()));
    }
    Credentials tokens = Credentials.readTokenStorageFile(new Path(submitDir, CorralMr.AM_TOKENS_FILE), conf);
    ClientCredentials corral = JobCredentials.takeOut(tokens, cwd.toPath(), System.getenv()); // not for the tasks
    UserGroupInformation.getCurrentUser().addCredentials(tokens);
    return corral;
  }

  private static String require(String name) {
    String v = System.getenv(name);
    if (v == null || v.isEmpty()) {
      throw new IllegalArgumentException("environment variable " + name + " is not set");
    }
    return v;
  }

}
