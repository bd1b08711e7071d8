package io.corral.common;

/** Names of the environment variables Corral sets for executors and tasks. */
public final class Env {
  /** host:port of the agent's executor endpoint. */
  public static final String AGENT_ENDPOINT = "CORRAL_AGENT_ENDPOINT";
  public static final String AGENT_ID = "CORRAL_AGENT_ID";
  /**
   * The host the agent advertises (its {@code --advertise-host}, or what it chose): where other machines
   * reach this one, for executors and tasks that serve others (Hadoop's AM, Spark's driver).
   */
  public static final String AGENT_HOSTNAME = "CORRAL_AGENT_HOSTNAME";
  public static final String FRAMEWORK_ID = "CORRAL_FRAMEWORK_ID";
  public static final String EXECUTOR_ID = "CORRAL_EXECUTOR_ID";
  /** The run of the executor (one per launch of it). */
  public static final String CONTAINER_ID = "CORRAL_CONTAINER_ID";
  /** Proves the executor to its agent (security on); never passed on to tasks. */
  public static final String EXECUTOR_TOKEN = "CORRAL_EXECUTOR_TOKEN";
  /** The CA certificate the executor trusts its agent's endpoint with (security on: TLS). */
  public static final String TLS_CA = io.corral.common.security.ClientCredentials.ENV_CA;
  /** The sandbox directory of the executor (for a command task: of the task). */
  public static final String SANDBOX = "CORRAL_SANDBOX";
  /** The agent's HTTP API, {@code http://host:port/}; unset when the agent serves none. */
  public static final String AGENT_HTTP = "CORRAL_AGENT_HTTP";
  /**
   * The executor's sandbox as the agent's HTTP API shows it: append a file name (e.g. {@code stderr})
   * for a URL that shows that file in a browser. Unset when the agent serves no HTTP.
   */
  public static final String SANDBOX_URL = "CORRAL_SANDBOX_URL";
  /** The master the agent uses, as host:port or zk://. */
  public static final String MASTER = "CORRAL_MASTER";
  /** Seconds an executor waits for a lost agent to come back before it exits. */
  public static final String RECOVERY_TIMEOUT = "CORRAL_RECOVERY_TIMEOUT";
  /** Seconds an executor is given to shut down before it is killed. */
  public static final String SHUTDOWN_GRACE = "CORRAL_EXECUTOR_SHUTDOWN_GRACE";
  /** Set for processes of command tasks. */
  public static final String TASK_ID = "CORRAL_TASK_ID";
  /**
   * The resources given, in the agent flag format ("cpus:0.5;mem:128;ports:[31000-31001]"): of
   * the task for a command task's process, of the executor itself for a custom executor.
   */
  public static final String RESOURCES = "CORRAL_RESOURCES";

  /**
   * Set by the agent on a command task it isolates with cgroups: the {@code cgroup.procs} files
   * (separated by {@code :}) the task's process enters before it runs its command, so that its
   * whole process tree is held to the task's own limits. See {@link io.corral.common.process.CgroupEntry}.
   */
  public static final String CGROUP_PROCS = "CORRAL_CGROUP_PROCS";

  /**
   * Set by the agent for its command executor only: the agent's secrets directory, from which the
   * executor reads the {@code secret_file} variables of each task as it starts it. Not passed on.
   */
  public static final String SECRETS_DIR = "CORRAL_SECRETS_DIR";

  private Env() {}
}
