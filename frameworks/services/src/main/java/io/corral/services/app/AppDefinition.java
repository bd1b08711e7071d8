package io.corral.services.app;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a user asked to run: one Marathon app definition, immutable. Build one with
 * {@link #builder(AppId)} (Marathon 1.x's defaults) or copy one with {@link #toBuilder()}.
 *
 * @param id the app's id
 * @param cmd the shell command; null when {@code args} is given
 * @param args the command and its arguments, run without a shell; empty when {@code cmd} is given
 * @param user the user the task runs as, null for the framework's default
 * @param env environment variables for the task
 * @param instances how many tasks should run
 * @param cpus cpus per task
 * @param mem MiB of memory per task
 * @param disk MiB of disk per task
 * @param fetch what the sandbox fetches before the command starts
 * @param portDefinitions the ports each task needs (their numbers reach the task as {@code $PORT0},
 *     ... and {@code $PORTS})
 * @param requirePorts whether non-zero port numbers must be the host ports themselves
 * @param constraints placement rules
 * @param healthChecks how the tasks' health is judged
 * @param upgradeStrategy how restarts and upgrades proceed
 * @param backoffSeconds the delay before relaunching a task that failed
 * @param backoffFactor the delay grows by this factor with each further failure
 * @param maxLaunchDelaySeconds the delay grows no longer than this
 * @param killSelection which tasks go first when scaling down
 * @param labels free-form labels
 * @param role the role the tasks' resources come from, null for the framework's role
 * @param acceptedResourceRoles the roles of offered resources the tasks may use; empty for any
 * @param taskKillGracePeriodSeconds time between SIGTERM and SIGKILL; 0 for the kernel's default
 * @param version when this definition (config or scale) last changed; null until stored
 * @param lastScalingAt when {@code instances} last changed; null until stored
 * @param lastConfigChangeAt when anything but {@code instances} last changed; null until stored
 */
public record AppDefinition(AppId id, String cmd, List<String> args, String user, Map<String, String> env,
    int instances, double cpus, double mem, double disk, List<FetchUri> fetch,
    List<PortDefinition> portDefinitions, boolean requirePorts, List<Constraint> constraints,
    List<HealthCheck> healthChecks, UpgradeStrategy upgradeStrategy, double backoffSeconds,
    double backoffFactor, double maxLaunchDelaySeconds, KillSelection killSelection, Map<String, String> labels,
    String role, List<String> acceptedResourceRoles, double taskKillGracePeriodSeconds, Instant version,
    Instant lastScalingAt, Instant lastConfigChangeAt) {
  public static final int DEFAULT_INSTANCES = 1;
  public static final double DEFAULT_CPUS = 1.0;
  public static final double DEFAULT_MEM = 128.0;
  public static final double DEFAULT_DISK = 0.0;
  public static final double DEFAULT_BACKOFF_SECONDS = 1.0;
  public static final double DEFAULT_BACKOFF_FACTOR = 1.15;
  public static final double DEFAULT_MAX_LAUNCH_DELAY_SECONDS = 300.0;

  public AppDefinition {
    Objects.requireNonNull(id, "id");
    args = args == null ? List.of() : List.copyOf(args);
    env = Ordered.map(env);
    fetch = fetch == null ? List.of() : List.copyOf(fetch);
    portDefinitions = portDefinitions == null ? List.of() : List.copyOf(portDefinitions);
    constraints = constraints == null ? List.of() : List.copyOf(constraints);
    healthChecks = healthChecks == null ? List.of() : List.copyOf(healthChecks);
    upgradeStrategy = upgradeStrategy == null ? UpgradeStrategy.DEFAULT : upgradeStrategy;
    killSelection = killSelection == null ? KillSelection.YOUNGEST_FIRST : killSelection;
    labels = Ordered.map(labels);
    acceptedResourceRoles = acceptedResourceRoles == null ? List.of() : List.copyOf(acceptedResourceRoles);
  }

  /** A definition of {@code id} with Marathon 1.x's defaults (one port, any number), to be filled in. */
  public static AppDefinitionBuilder builder(AppId id) {
    return new AppDefinitionBuilder(id);
  }

  public AppDefinitionBuilder toBuilder() {
    return new AppDefinitionBuilder(this);
  }

  public AppDefinition withInstances(int n) {
    return toBuilder().instances(n).build();
  }

  public AppDefinition withVersion(Instant v) {
    return toBuilder().version(v).build();
  }

  /**
   * Whether {@code other} differs from this in anything but {@code instances} and the timestamps:
   * such a change replaces the tasks (a rolling restart); a change of instances alone only scales.
   */
  public boolean isConfigChange(AppDefinition other) {
    return !withoutScaleAndTimes().equals(other.withoutScaleAndTimes());
  }

  /** The port numbers, as Marathon's older {@code ports} list gives them. */
  public List<Integer> ports() {
    return portDefinitions.stream().map(PortDefinition::port).toList();
  }

  private AppDefinition withoutScaleAndTimes() {
    return toBuilder().instances(0).version(null).lastScalingAt(null).lastConfigChangeAt(null).build();
  }
}
