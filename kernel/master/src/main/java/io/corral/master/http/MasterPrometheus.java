package io.corral.master.http;

import io.corral.master.core.MasterMetrics;
import io.corral.protocol.TaskState;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * The master's metrics in Prometheus text format: counters read from {@link MasterMetrics} (of the
 * current leadership term; they restart from zero after a re-election, which Prometheus treats as a
 * counter reset), gauges from the latest {@link ClusterGauges}, and the JVM's own.
 */
public final class MasterPrometheus {
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Supplier<MasterMetrics> metrics;
  private final Supplier<Boolean> leading;
  private final AtomicLong elections;
  private final AtomicLong messagesOut;
  private volatile ClusterGauges gauges = ClusterGauges.NONE;

  /**
   * @param metrics the leading core's counters, or null while this master does not lead
   * @param leading 1 while this master leads
   * @param elections times this master was elected
   * @param messagesOut messages this master sent on every stream
   */
  public MasterPrometheus(Supplier<MasterMetrics> metrics, Supplier<Boolean> leading, AtomicLong elections,
      AtomicLong messagesOut) {
    this.metrics = metrics;
    this.leading = leading;
    this.elections = elections;
    this.messagesOut = messagesOut;
    counter("corral.allocation.cycles", "Allocation cycles run", m -> m.allocationCycles.get());
    counter("corral.allocation.seconds", "Time spent in the allocator",
        m -> m.allocationNanosTotal.get() / 1e9);
    gauge("corral.allocation.last.seconds", "Duration of the latest allocation cycle",
        m -> m.allocationNanosLast.get() / 1e9);
    gauge("corral.allocation.max.seconds", "Longest allocation cycle", m -> m.allocationNanosMax.get() / 1e9);
    counter("corral.offers.sent", "Offers sent to frameworks", m -> m.offersSent.get());
    counter("corral.offers.declined", "Offers declined", m -> m.offersDeclined.get());
    counter("corral.offers.rescinded", "Offers rescinded", m -> m.offersRescinded.get());
    counter("corral.offers.accepted", "Offers accepted", m -> m.offersAccepted.get());
    counter("corral.tasks.launched", "Tasks launched", m -> m.tasksLaunched.get());
    counter("corral.tasks.invalid", "Launches refused as invalid", m -> m.tasksInvalid.get());
    counter("corral.status.updates", "Task status updates received", m -> m.statusUpdates.get());
    counter("corral.agents.registered", "Agents registered", m -> m.agentsRegistered.get());
    counter("corral.agents.reregistered", "Agents re-registered", m -> m.agentsReregistered.get());
    counter("corral.agents.lost", "Agents marked unreachable", m -> m.agentsUnreachable.get());
    counter("corral.frameworks.subscribed", "Framework subscriptions", m -> m.frameworksSubscribed.get());
    counter("corral.frameworks.removed", "Frameworks removed", m -> m.frameworksRemoved.get());
    counter("corral.messages.in", "Messages received from agents and schedulers", m -> m.messagesIn.get());
    counter("corral.messages.invalid", "Calls refused as invalid", m -> m.invalidCalls.get());
    // Meters hold their state object weakly: every one reads through this object, which the server keeps.
    FunctionCounter.builder("corral.messages.out", this, p -> p.messagesOut.get())
        .description("Messages sent to agents and schedulers").register(registry);
    for (TaskState s : TaskState.values()) {
      if (s != TaskState.UNRECOGNIZED) {
        FunctionCounter.builder("corral.task.states", this, p -> p.taskStateCount(s))
            .description("Times tasks entered each state").tag("state", s.name()).register(registry);
      }
    }
    Gauge.builder("corral.master.leading", this, p -> p.leading.get() ? 1 : 0)
        .description("1 while this master leads").register(registry);
    FunctionCounter.builder("corral.master.elections", this, p -> p.elections.get())
        .description("Times this master was elected leader (failovers to it)").register(registry);
    Gauge.builder("corral.agents", this, p -> p.gauges.agents()).description("Agents known").register(registry);
    Gauge.builder("corral.agents.active", this, p -> p.gauges.activeAgents())
        .description("Agents connected and in service").register(registry);
    Gauge.builder("corral.frameworks", this, p -> p.gauges.frameworks()).description("Frameworks").register(registry);
    Gauge.builder("corral.tasks.active", this, p -> p.gauges.activeTasks())
        .description("Tasks not yet ended").register(registry);
    Gauge.builder("corral.offers.outstanding", this, p -> p.gauges.offers())
        .description("Offers not yet answered").register(registry);
    Gauge.builder("corral.scheduler.tasks", this, p -> p.gauges.schedulerTasks().running())
        .description("Frameworks' schedulers run as tasks (scheduler_task) not yet ended").register(registry);
    Gauge.builder("corral.scheduler.tasks.share", this, p -> p.gauges.schedulerTasks().share())
        .description("Largest fraction of any resource of the cluster the scheduler tasks hold").register(registry);
    Gauge.builder("corral.scheduler.tasks.max.share", this, p -> p.gauges.schedulerTasks().maxShare())
        .description("The most the scheduler tasks may hold of each resource (--scheduler-task-share)")
        .register(registry);
    for (String r : new String[] {"cpus", "mem", "disk"}) {
      Gauge.builder("corral.resources.capacity", this, p -> p.gauges.total(r)).tag("resource", r)
          .description("Resources of the agents in service (mem and disk in MiB)").register(registry);
      Gauge.builder("corral.resources.used", this, p -> p.gauges.used(r)).tag("resource", r)
          .description("Resources held by tasks and executors").register(registry);
      Gauge.builder("corral.resources.offered", this, p -> p.gauges.offered(r)).tag("resource", r)
          .description("Resources in outstanding offers").register(registry);
    }
    // Summed over the agents the master knows, from their pongs: an agent that leaves or restarts takes its
    // counts with it, which Prometheus reads as a counter reset.
    FunctionCounter.builder("corral.fetcher.fetches", this, p -> p.gauges.fetcher().fetched())
        .description("URIs agents' fetchers placed in sandboxes").register(registry);
    FunctionCounter.builder("corral.fetcher.cache.hits", this, p -> p.gauges.fetcher().cacheHits())
        .description("URIs served from agents' fetcher caches without a download").register(registry);
    FunctionCounter.builder("corral.fetcher.downloaded.bytes", this, p -> p.gauges.fetcher().bytesDownloaded())
        .description("Bytes agents' fetchers downloaded").register(registry);
    FunctionCounter.builder("corral.fetcher.failures", this, p -> p.gauges.fetcher().failures())
        .description("URIs agents' fetchers could not fetch").register(registry);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
  }

  private void counter(String name, String help, ToDoubleFunction<MasterMetrics> read) {
    FunctionCounter.builder(name, this, p -> p.read(read)).description(help).register(registry);
  }

  private void gauge(String name, String help, ToDoubleFunction<MasterMetrics> read) {
    Gauge.builder(name, this, p -> p.read(read)).description(help).register(registry);
  }

  private double read(ToDoubleFunction<MasterMetrics> read) {
    MasterMetrics m = metrics.get();
    return m == null ? 0 : read.applyAsDouble(m);
  }

  private double taskStateCount(TaskState s) {
    MasterMetrics m = metrics.get();
    return m == null ? 0 : m.taskStateCounts().getOrDefault(s, 0L);
  }

  /** The text to serve, with gauges taken from {@code latest}. */
  public String scrape(ClusterGauges latest) {
    return scrape(latest, java.util.List.of());
  }

  /**
   * The text to serve, with gauges taken from {@code latest} and, per role and scalar resource, its
   * guarantee, limit, allocation and offers ({@code corral_role_guarantee{role="eng",resource="cpus"}};
   * a role without a guarantee or limit has no such line), weight and preemptions.
   */
  public String scrape(ClusterGauges latest, java.util.List<io.corral.master.core.RoleSummary> roles) {
    gauges = latest;
    StringBuilder b = new StringBuilder(registry.scrape());
    if (!roles.isEmpty()) {
      family(b, "corral_role_weight", "gauge", "A role's DRF weight among its siblings");
      roles.forEach(r -> b.append("corral_role_weight{role=\"").append(label(r.name())).append("\"} ")
          .append(r.weight()).append('\n'));
      resources(b, roles, "corral_role_guarantee", "A role's guaranteed resources (mem and disk in MiB)",
          io.corral.master.core.RoleSummary::guarantee);
      resources(b, roles, "corral_role_limit", "A role's resource limit (mem and disk in MiB)",
          io.corral.master.core.RoleSummary::limit);
      resources(b, roles, "corral_role_allocated", "What a role's and its sub-roles' tasks and executors hold",
          io.corral.master.core.RoleSummary::allocated);
      resources(b, roles, "corral_role_offered", "What is offered to a role's and its sub-roles' frameworks",
          io.corral.master.core.RoleSummary::offered);
      family(b, "corral_role_preemptions_total", "counter", "Tasks preempted from a role");
      roles.forEach(r -> b.append("corral_role_preemptions_total{role=\"").append(label(r.name())).append("\"} ")
          .append((double) r.preemptions()).append('\n'));
      family(b, "corral_role_reclaimed_total", "counter",
          "What the tasks preempted from a role held (mem and disk in MiB)");
      roles.forEach(r -> r.reclaimed().scalars().forEach((resource, v) -> b.append("corral_role_reclaimed_total{role=\"")
          .append(label(r.name())).append("\",resource=\"").append(label(resource)).append("\"} ").append(v)
          .append('\n')));
    }
    return b.toString();
  }

  private static void resources(StringBuilder b, java.util.List<io.corral.master.core.RoleSummary> roles, String name,
      String help, java.util.function.Function<io.corral.master.core.RoleSummary, io.corral.common.resources.Resources> of) {
    family(b, name, "gauge", help);
    for (io.corral.master.core.RoleSummary r : roles) {
      of.apply(r).scalars().forEach((resource, v) -> b.append(name).append("{role=\"").append(label(r.name()))
          .append("\",resource=\"").append(label(resource)).append("\"} ").append(v).append('\n'));
    }
  }

  private static void family(StringBuilder b, String name, String type, String help) {
    b.append("# HELP ").append(name).append(' ').append(help).append('\n');
    b.append("# TYPE ").append(name).append(' ').append(type).append('\n');
  }

  /** A label value as the text format takes it. */
  private static String label(String v) {
    return v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }

  public String contentType() {
    return "text/plain; version=0.0.4; charset=utf-8";
  }

  /** Cluster-wide gauges, read on the master's loop before each scrape. */
  public record ClusterGauges(
      int agents, int activeAgents, int frameworks, int activeTasks, int offers,
      java.util.Map<String, Object> totals, java.util.Map<String, Object> usedRes,
      java.util.Map<String, Object> offeredRes, StateSnapshot.FetcherJson fetcher,
      StateSnapshot.SchedulerTasksJson schedulerTasks) {
    static final ClusterGauges NONE = new ClusterGauges(0, 0, 0, 0, 0, java.util.Map.of(), java.util.Map.of(),
        java.util.Map.of(), StateSnapshot.FetcherJson.ZERO, StateSnapshot.SchedulerTasksJson.NONE);

    static ClusterGauges of(StateSnapshot s) {
      return new ClusterGauges(s.cluster().agents(), s.cluster().activeAgents(), s.cluster().frameworks(),
          s.cluster().activeTasks(), s.offers().size(), s.cluster().resources(), s.cluster().usedResources(),
          s.cluster().offeredResources(), s.cluster().fetcher(), s.cluster().schedulerTasks());
    }

    double total(String r) {
      return number(totals.get(r));
    }

    double used(String r) {
      return number(usedRes.get(r));
    }

    double offered(String r) {
      return number(offeredRes.get(r));
    }

    private static double number(Object o) {
      return o instanceof Number n ? n.doubleValue() : 0;
    }
  }
}
