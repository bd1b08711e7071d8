package io.corral.master.http;

import io.corral.common.resources.Resources;
import io.corral.http.ResourcesJson;
import io.corral.master.core.MasterView;
import io.corral.master.state.AgentEntry;
import io.corral.master.state.ExecutorEntry;
import io.corral.master.state.ExecutorKey;
import io.corral.master.state.FrameworkEntry;
import io.corral.master.state.OfferEntry;
import io.corral.master.state.TaskEntry;
import io.corral.protocol.MasterInfo;
import io.corral.protocol.Task;
import io.corral.protocol.TaskStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The master's state as the HTTP API shows it: immutable records, captured on the master's loop
 * by {@link #capture} and serialised off it (field names become snake_case in JSON).
 */
public record StateSnapshot(
    MasterJson master,
    ClusterJson cluster,
    List<AgentJson> agents,
    List<FrameworkJson> frameworks,
    List<TaskJson> tasks,
    List<TaskJson> completedTasks,
    List<OfferJson> offers,
    List<CompletedFrameworkJson> completedFrameworks) {

  /** The leading master. */
  public record MasterJson(
      String id, String version, String address, String httpUrl, double electedAt, double capturedAt) {}

  /** Totals over the agents in service (the fetcher's: over every agent known, as of its latest pong). */
  public record ClusterJson(
      int agents, int activeAgents, int frameworks, int activeTasks, Map<String, Object> resources,
      Map<String, Object> usedResources, Map<String, Object> offeredResources, FetcherJson fetcher,
      SchedulerTasksJson schedulerTasks) {}

  /**
   * The frameworks' schedulers run as tasks ({@code scheduler_task}): how many are running, what they hold
   * (on agents in service), the largest fraction of any scalar resource of the cluster that is, and the most
   * they may hold ({@code --scheduler-task-share}).
   */
  public record SchedulerTasksJson(int running, Map<String, Object> resources, double share, double maxShare) {
    static final SchedulerTasksJson NONE = new SchedulerTasksJson(0, Map.of(), 0, 0);
  }

  /** What agents' fetchers did since each agent started. */
  public record FetcherJson(long fetched, long cacheHits, long bytesDownloaded, long failures) {
    static final FetcherJson ZERO = new FetcherJson(0, 0, 0, 0);

    static FetcherJson of(io.corral.protocol.FetcherCounters c) {
      return new FetcherJson(c.getFetched(), c.getCacheHits(), c.getBytesDownloaded(), c.getFailures());
    }

    FetcherJson plus(FetcherJson o) {
      return new FetcherJson(sum(fetched, o.fetched), sum(cacheHits, o.cacheHits),
          sum(bytesDownloaded, o.bytesDownloaded), sum(failures, o.failures));
    }

    /** Counters never wrap to negative (Prometheus refuses a negative counter): they stop at the top. */
    private static long sum(long a, long b) {
      long r = a + b;
      return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
    }
  }

  public record AgentJson(
      String id, String hostname, int port, String httpUrl, String status, String maintenance,
      Double drainDeadline, double registeredAt, Map<String, Object> resources,
      Map<String, Map<String, Object>> reserved, Map<String, Object> usedResources, Map<String, Object> offeredResources, Map<String, Object> attributes,
      List<String> isolators, int activeTasks, String version, FetcherJson fetcher) {}

  /**
   * A framework: {@code role} is its (first) role, {@code roles} all of them (one for a framework of
   * one role), {@code suppressed} whether offers are suppressed for all of them, {@code
   * suppressed_roles} for which.
   */
  public record FrameworkJson(
      String id, String name, String role, List<String> roles, String principal, String user, String hostname,
      boolean active, boolean suppressed, List<String> suppressedRoles, double registeredAt, Double disconnectedAt, Map<String, Object> usedResources,
      Map<String, Object> offeredResources, double dominantShare, int activeTasks, int completedTasks,
      Map<String, String> labels) {}

  /** A removed framework (its roles when it was removed); its tasks are in {@code completed_tasks}. */
  public record CompletedFrameworkJson(
      String id, String name, String role, List<String> roles, String principal, String user, boolean active, double registeredAt,
      double removedAt, String reason, int completedTasks) {}

  /**
   * A task; {@code role} is the role it is charged to (that of the offers it was launched on), {@code
   * healthy} what its health check last found (null, left out of the JSON: it reported no health).
   */
  public record TaskJson(
      String id, String name, String state, String agentId, String frameworkId, String executorId,
      Map<String, Object> resources, String message, String reason, Integer exitCode, Double updatedAt,
      boolean schedulerTask, String role, Boolean healthy) {}

  /** An outstanding offer, for {@code role}. */
  public record OfferJson(
      String id, String frameworkId, String role, String agentId, Map<String, Object> resources, double expiresAt) {}

  /** An agent's reservations (static and dynamic) by role: {@code {"eng/etl": {"cpus": 4.0, ...}}}. */
  private static Map<String, Map<String, Object>> reserved(io.corral.common.resources.PooledResources r) {
    Map<String, Map<String, Object>> out = new java.util.TreeMap<>();
    r.reserved().forEach((role, res) -> out.put(role, ResourcesJson.present(res)));
    return out;
  }

  /** Reads the whole state; call it on the master's loop (inside {@code Master.query}). */
  public static StateSnapshot capture(MasterView view, String httpUrl, Instant now) {
    return capture(view, httpUrl, now, true);
  }

  /**
   * Reads the state; with {@code withTasks} false the task lists are left empty (agents, frameworks,
   * offers and totals are complete), which is what the other endpoints need and holds the loop less.
   */
  public static StateSnapshot capture(MasterView view, String httpUrl, Instant now, boolean withTasks) {
    Map<String, Resources> usedByAgent = new HashMap<>();
    Map<String, Resources> usedByFramework = new HashMap<>();
    Map<String, Resources> offeredByAgent = new HashMap<>();
    Map<String, Resources> offeredByFramework = new HashMap<>();
    List<TaskJson> tasks = new ArrayList<>();
    for (AgentEntry a : view.agentEntries()) {
      for (TaskEntry t : a.tasks().values()) {
        usedByAgent.merge(a.id(), t.resources().all(), Resources::plus);
        usedByFramework.merge(t.frameworkId(), t.resources().all(), Resources::plus);
      }
      for (Map.Entry<ExecutorKey, ExecutorEntry> e : a.executors().entrySet()) {
        usedByAgent.merge(a.id(), e.getValue().resources().all(), Resources::plus);
        usedByFramework.merge(e.getKey().frameworkId(), e.getValue().resources().all(), Resources::plus);
      }
    }
    List<OfferJson> offers = new ArrayList<>();
    for (OfferEntry o : view.offerEntries()) {
      offeredByAgent.merge(o.agentId(), o.resources().all(), Resources::plus);
      offeredByFramework.merge(o.frameworkId(), o.resources().all(), Resources::plus);
      offers.add(new OfferJson(o.id(), o.frameworkId(), o.role(), o.agentId(), ResourcesJson.of(o.resources().all()),
          seconds(o.expiresAt())));
    }
    List<AgentJson> agents = new ArrayList<>();
    Resources total = Resources.EMPTY;
    Resources used = Resources.EMPTY;
    Resources offered = Resources.EMPTY;
    int active = 0;
    FetcherJson fetched = FetcherJson.ZERO;
    for (AgentEntry a : view.agentEntries()) {
      FetcherJson fetcher = FetcherJson.of(a.fetcherCounters());
      fetched = fetched.plus(fetcher);
      Resources u = usedByAgent.getOrDefault(a.id(), Resources.EMPTY);
      Resources o = offeredByAgent.getOrDefault(a.id(), Resources.EMPTY);
      if (a.status() != AgentEntry.Status.UNREACHABLE) {
        total = total.plus(a.total());
        used = used.plus(u);
        offered = offered.plus(o);
      }
      if (a.status() == AgentEntry.Status.ACTIVE && !a.isDrained()) {
        active++;
      }
      int httpPort = a.info().getHttpPort();
      agents.add(new AgentJson(a.id(), a.hostname(), a.info().getPort(),
          // A secured cluster is secured throughout: HTTPS on the agents when on the master.
          httpPort > 0 ? (httpUrl != null && httpUrl.startsWith("https:") ? "https://" : "http://")
              + new io.corral.common.net.HostPort(a.hostname(), httpPort) + "/" : null, a.status().name(),
          a.maintenance().name(), a.drainDeadline() == null ? null : seconds(a.drainDeadline()),
          seconds(a.registeredAt()), ResourcesJson.of(a.total()), reserved(a.resources()), ResourcesJson.of(u),
          ResourcesJson.of(o),
          ResourcesJson.attributes(a.info().getAttributesList()), a.info().getIsolatorsList(), a.tasks().size(), a.info().getVersion(),
          fetcher));
    }
    List<FrameworkJson> frameworks = new ArrayList<>();
    List<TaskJson> completed = new ArrayList<>();
    int activeTasks = 0;
    for (FrameworkEntry f : view.frameworkEntries()) {
      activeTasks += f.tasks().size();
      if (withTasks) {
        for (TaskEntry t : f.tasks().values()) {
          tasks.add(task(t.toProto()));
        }
        for (Task t : f.completed().values()) {
          completed.add(task(t));
        }
      }
      frameworks.add(new FrameworkJson(f.id(), f.name(), f.role(), f.roles(), f.info().getPrincipal(),
          f.info().getUser(), f.info().getHostname(), f.isConnected(), f.suppressed(), List.copyOf(f.suppressedRoles()),
          seconds(f.registeredAt()),
          f.disconnectedAt() == null ? null : seconds(f.disconnectedAt()),
          ResourcesJson.of(usedByFramework.getOrDefault(f.id(), Resources.EMPTY)),
          ResourcesJson.of(offeredByFramework.getOrDefault(f.id(), Resources.EMPTY)),
          ResourcesJson.round(view.allocator().dominantShare(f.id())), f.tasks().size(), f.completed().size(),
          Map.copyOf(f.info().getLabelsMap())));
    }
    List<CompletedFrameworkJson> gone = new ArrayList<>();
    for (io.corral.master.state.CompletedFramework f : view.completedFrameworks()) {
      gone.add(new CompletedFrameworkJson(f.id(), f.info().getName(), f.role(),
          FrameworkEntry.rolesOf(f.info()), f.info().getPrincipal(),
          f.info().getUser(), false, seconds(f.registeredAt()), seconds(f.removedAt()), f.reason(), f.tasks().size()));
      if (withTasks) {
        for (Task t : f.tasks()) {
          completed.add(task(t));
        }
      }
    }
    MasterInfo info = view.masterInfo();
    MasterJson master = new MasterJson(info.getId(), info.getVersion(), info.getHost() + ":" + info.getPort(),
        httpUrl, seconds(view.electedAt()), seconds(now));
    ClusterJson cluster = new ClusterJson(agents.size(), active, frameworks.size(), activeTasks,
        ResourcesJson.of(total), ResourcesJson.of(used), ResourcesJson.of(offered), fetched,
        schedulerTasks(view.schedulerTasks()));
    return new StateSnapshot(master, cluster, List.copyOf(agents), List.copyOf(frameworks), List.copyOf(tasks),
        List.copyOf(completed), List.copyOf(offers), List.copyOf(gone));
  }

  /**
   * The tasks with id {@code taskId}, live then completed, of framework {@code frameworkId} (null: of
   * any framework, since a task id is unique within its framework only). Reads the master's maps
   * directly instead of capturing the whole state; call it on the master's loop.
   */
  public static List<TaskJson> findTasks(MasterView view, String frameworkId, String taskId) {
    List<TaskJson> out = new ArrayList<>();
    List<FrameworkEntry> live = new ArrayList<>();
    if (frameworkId == null) {
      live.addAll(view.frameworkEntries());
    } else if (view.frameworkEntry(frameworkId) != null) {
      live.add(view.frameworkEntry(frameworkId));
    }
    for (FrameworkEntry f : live) {
      TaskEntry t = f.tasks().get(taskId);
      if (t != null) {
        out.add(task(t.toProto()));
      }
      Task done = f.completed().get(taskId);
      if (done != null) {
        out.add(task(done));
      }
    }
    for (io.corral.master.state.CompletedFramework f : view.completedFrameworks()) {
      if (frameworkId == null || f.id().equals(frameworkId)) {
        f.tasks().stream().filter(t -> t.getTaskId().equals(taskId)).map(StateSnapshot::task).forEach(out::add);
      }
    }
    return out;
  }

  static TaskJson task(Task t) {
    TaskStatus s = t.hasLatestStatus() ? t.getLatestStatus() : null;
    return new TaskJson(t.getTaskId(), t.getName(), t.getState().name(), t.getAgentId(), t.getFrameworkId(),
        t.getExecutorId(), ResourcesJson.of(Resources.fromProto(t.getResourcesList())),
        s == null || s.getMessage().isEmpty() ? null : s.getMessage(),
        s == null ? null : s.getReason().name(),
        s != null && s.hasExitCode() ? s.getExitCode() : null,
        s == null || s.getTimestamp() == 0 ? null : s.getTimestamp(), t.getSchedulerTask(),
        t.getRole().isEmpty() ? null : t.getRole(), s != null && s.hasHealthy() ? s.getHealthy() : null);
  }

  private static SchedulerTasksJson schedulerTasks(MasterView.SchedulerTaskUsage u) {
    return new SchedulerTasksJson(u.running(), ResourcesJson.of(u.held()), ResourcesJson.round(u.share()), u.limit());
  }

  private static double seconds(Instant t) {
    return t.toEpochMilli() / 1000.0;
  }
}
