package io.corral.master.core;

import io.corral.common.loop.EventLoop;
import io.corral.master.MasterConfig;
import io.corral.master.allocator.DrfAllocator;
import io.corral.master.registry.AgentRecord;
import io.corral.master.registry.AgentRegistry;
import io.corral.master.state.AgentEntry;
import io.corral.master.state.FrameworkEntry;
import io.corral.master.state.OfferEntry;
import io.corral.protocol.MasterInfo;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * All of the master's domain state. Owned by the master's event loop: every field is read
 * and written on that one thread only.
 */
final class MasterState {
  /** Removed frameworks whose tasks operators can still look at (each keeps its completed tasks). */
  static final int MAX_COMPLETED_FRAMEWORKS_SHOWN = 100;

  final MasterConfig config;
  final MasterInfo masterInfo;
  final EventLoop loop;
  final Clock clock;
  final DrfAllocator allocator;
  final MasterMetrics metrics;
  final IdGenerator ids;
  /** The frameworks' own schedulers run as tasks, and their share of the cluster. */
  final SchedulerTasks schedulerTasks;
  /** The ACLs every request is checked against (permissive without security). */
  final io.corral.http.auth.Authorizer authorizer;

  final AgentRegistry registry;
  /** The registry's view, kept current by this master (loop-owned copy). */
  final Map<String, AgentRecord> records = new HashMap<>();
  /** Whether this master holds a valid lease on its leadership (always true without ZooKeeper). */
  final BooleanSupplier leaseValid;
  /** ZooKeeper is suspended: no offers, no launches. */
  boolean suspended;
  /** When this master was elected (started recovering); failover timeouts of recovered frameworks count from it. */
  Instant electedAt;

  /** The quotas and weights operators set at run time ({@link RoleManager}). */
  io.corral.master.roles.RoleSettings roleSettings = io.corral.master.roles.RoleSettings.EMPTY;
  /** Where {@link #roleSettings} are saved. */
  io.corral.master.roles.RoleSettingsStore roleStore = new io.corral.master.roles.InMemoryRoleSettingsStore();
  /** Tasks preempted, by role and each of its ancestors (counted by preemption). */
  final Map<String, Long> preemptions = new HashMap<>();
  /** What those preempted tasks held, by role and each of its ancestors (scalars). */
  final Map<String, io.corral.common.resources.Resources> reclaimed = new HashMap<>();

  final Map<String, AgentEntry> agents = new HashMap<>();
  /**
   * Per resource, the most any one registered agent has, as the frameworks were told it
   * ({@link LargestAgent}); empty while unknown.
   */
  io.corral.common.resources.Resources largestAgent = io.corral.common.resources.Resources.EMPTY;
  final Map<String, FrameworkEntry> frameworks = new LinkedHashMap<>();
  final Map<String, OfferEntry> offers = new HashMap<>();
  /** Ids of removed frameworks: they may not subscribe again. Bounded. */
  final Map<String, Instant> removedFrameworks;
  /** The latest removed frameworks with their tasks, for operators (the API, the UI, the CLI). Bounded. */
  final Map<String, io.corral.master.state.CompletedFramework> completedFrameworks;

  MasterState(
      MasterConfig config,
      MasterInfo masterInfo,
      EventLoop loop,
      Clock clock,
      DrfAllocator allocator,
      MasterMetrics metrics,
      AgentRegistry registry,
      BooleanSupplier leaseValid) {
    this.config = config;
    this.authorizer = io.corral.http.auth.DaemonSecurity.authorizer(config.security());
    this.masterInfo = masterInfo;
    this.loop = loop;
    this.clock = clock;
    this.allocator = allocator;
    this.metrics = metrics;
    this.registry = registry;
    this.leaseValid = leaseValid;
    this.ids = new IdGenerator(masterInfo.getId());
    this.schedulerTasks = new SchedulerTasks(this, new SchedulerTaskShare(config.schedulerTaskShare()));
    this.electedAt = clock.instant();
    int maxRemoved = config.maxCompletedFrameworks();
    int maxShown = Math.min(maxRemoved, MAX_COMPLETED_FRAMEWORKS_SHOWN);
    this.completedFrameworks =
        new LinkedHashMap<>() {
          private static final long serialVersionUID = 1L;

          @Override
          protected boolean removeEldestEntry(Map.Entry<String, io.corral.master.state.CompletedFramework> eldest) {
            return size() > maxShown;
          }
        };
    this.removedFrameworks =
        new LinkedHashMap<>() {
          private static final long serialVersionUID = 1L;

          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Instant> eldest) {
            return size() > maxRemoved;
          }
        };
  }

  /** Whether this master may make offers and launch tasks right now. */
  boolean mayAct() {
    return !suspended && leaseValid.getAsBoolean();
  }

  Instant now() {
    return clock.instant();
  }

  double nowSeconds() {
    return clock.millis() / 1000.0;
  }
}
