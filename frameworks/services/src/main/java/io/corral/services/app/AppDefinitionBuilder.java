package io.corral.services.app;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Builds an {@link AppDefinition}, starting from Marathon 1.x's defaults or from another definition. */
public final class AppDefinitionBuilder {
  private AppId id;
  private String cmd;
  private List<String> args = List.of();
  private String user;
  private Map<String, String> env = Map.of();
  private int instances = AppDefinition.DEFAULT_INSTANCES;
  private double cpus = AppDefinition.DEFAULT_CPUS;
  private double mem = AppDefinition.DEFAULT_MEM;
  private double disk = AppDefinition.DEFAULT_DISK;
  private List<FetchUri> fetch = List.of();
  private List<PortDefinition> portDefinitions = List.of(PortDefinition.any());
  private boolean requirePorts;
  private List<Constraint> constraints = List.of();
  private List<HealthCheck> healthChecks = List.of();
  private UpgradeStrategy upgradeStrategy = UpgradeStrategy.DEFAULT;
  private double backoffSeconds = AppDefinition.DEFAULT_BACKOFF_SECONDS;
  private double backoffFactor = AppDefinition.DEFAULT_BACKOFF_FACTOR;
  private double maxLaunchDelaySeconds = AppDefinition.DEFAULT_MAX_LAUNCH_DELAY_SECONDS;
  private KillSelection killSelection = KillSelection.YOUNGEST_FIRST;
  private Map<String, String> labels = Map.of();
  private String role;
  private List<String> acceptedResourceRoles = List.of();
  private double taskKillGracePeriodSeconds;
  private Instant version;
  private Instant lastScalingAt;
  private Instant lastConfigChangeAt;

  AppDefinitionBuilder(AppId id) {
    this.id = id;
  }

  AppDefinitionBuilder(AppDefinition a) {
    id = a.id();
    cmd = a.cmd();
    args = a.args();
    user = a.user();
    env = a.env();
    instances = a.instances();
    cpus = a.cpus();
    mem = a.mem();
    disk = a.disk();
    fetch = a.fetch();
    portDefinitions = a.portDefinitions();
    requirePorts = a.requirePorts();
    constraints = a.constraints();
    healthChecks = a.healthChecks();
    upgradeStrategy = a.upgradeStrategy();
    backoffSeconds = a.backoffSeconds();
    backoffFactor = a.backoffFactor();
    maxLaunchDelaySeconds = a.maxLaunchDelaySeconds();
    killSelection = a.killSelection();
    labels = a.labels();
    role = a.role();
    acceptedResourceRoles = a.acceptedResourceRoles();
    taskKillGracePeriodSeconds = a.taskKillGracePeriodSeconds();
    version = a.version();
    lastScalingAt = a.lastScalingAt();
    lastConfigChangeAt = a.lastConfigChangeAt();
  }

  public AppDefinitionBuilder id(AppId v) {
    id = v;
    return this;
  }

  public AppDefinitionBuilder cmd(String v) {
    cmd = v;
    return this;
  }

  public AppDefinitionBuilder args(List<String> v) {
    args = v;
    return this;
  }

  public AppDefinitionBuilder user(String v) {
    user = v;
    return this;
  }

  public AppDefinitionBuilder env(Map<String, String> v) {
    env = v;
    return this;
  }

  public AppDefinitionBuilder instances(int v) {
    instances = v;
    return this;
  }

  public AppDefinitionBuilder cpus(double v) {
    cpus = v;
    return this;
  }

  public AppDefinitionBuilder mem(double v) {
    mem = v;
    return this;
  }

  public AppDefinitionBuilder disk(double v) {
    disk = v;
    return this;
  }

  public AppDefinitionBuilder fetch(List<FetchUri> v) {
    fetch = v;
    return this;
  }

  public AppDefinitionBuilder portDefinitions(List<PortDefinition> v) {
    portDefinitions = v;
    return this;
  }

  public AppDefinitionBuilder requirePorts(boolean v) {
    requirePorts = v;
    return this;
  }

  public AppDefinitionBuilder constraints(List<Constraint> v) {
    constraints = v;
    return this;
  }

  public AppDefinitionBuilder healthChecks(List<HealthCheck> v) {
    healthChecks = v;
    return this;
  }

  public AppDefinitionBuilder upgradeStrategy(UpgradeStrategy v) {
    upgradeStrategy = v;
    return this;
  }

  public AppDefinitionBuilder backoffSeconds(double v) {
    backoffSeconds = v;
    return this;
  }

  public AppDefinitionBuilder backoffFactor(double v) {
    backoffFactor = v;
    return this;
  }

  public AppDefinitionBuilder maxLaunchDelaySeconds(double v) {
    maxLaunchDelaySeconds = v;
    return this;
  }

  public AppDefinitionBuilder killSelection(KillSelection v) {
    killSelection = v;
    return this;
  }

  public AppDefinitionBuilder labels(Map<String, String> v) {
    labels = v;
    return this;
  }

  public AppDefinitionBuilder role(String v) {
    role = v;
    return this;
  }

  public AppDefinitionBuilder acceptedResourceRoles(List<String> v) {
    acceptedResourceRoles = v;
    return this;
  }

  public AppDefinitionBuilder taskKillGracePeriodSeconds(double v) {
    taskKillGracePeriodSeconds = v;
    return this;
  }

  public AppDefinitionBuilder version(Instant v) {
    version = v;
    return this;
  }

  public AppDefinitionBuilder lastScalingAt(Instant v) {
    lastScalingAt = v;
    return this;
  }

  public AppDefinitionBuilder lastConfigChangeAt(Instant v) {
    lastConfigChangeAt = v;
    return this;
  }

  public AppDefinition build() {
    return new AppDefinition(id, cmd, args, user, env, instances, cpus, mem, disk, fetch, portDefinitions,
        requirePorts, constraints, healthChecks, upgradeStrategy, backoffSeconds, backoffFactor,
        maxLaunchDelaySeconds, killSelection, labels, role, acceptedResourceRoles, taskKillGracePeriodSeconds,
        version, lastScalingAt, lastConfigChangeAt);
  }
}
