package io.corral.agent.http;

import io.corral.agent.gc.SandboxJanitor;
import io.corral.fetcher.FetchStats;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.function.ToDoubleFunction;

/**
 * The agent's metrics in Prometheus text format: the fetcher (URIs fetched, cache hits, bytes
 * downloaded, failures), the janitor (sandboxes removed, logs rotated), executors and tasks on the
 * agent, and the JVM's own.
 */
public final class AgentPrometheus {
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final FetchStats fetch;
  private final SandboxJanitor janitor;
  private volatile AgentHttpServer.AgentStateJson state;

  public AgentPrometheus(FetchStats fetch, SandboxJanitor janitor) {
    this.fetch = fetch;
    this.janitor = janitor;
    counter("corral.agent.fetches", "URIs fetched into sandboxes", p -> p.fetch.fetched());
    counter("corral.agent.fetch.cache.hits", "URIs served from the agent's fetch cache", p -> p.fetch.cacheHits());
    counter("corral.agent.fetch.bytes", "Bytes downloaded by the fetcher", p -> p.fetch.bytesDownloaded());
    counter("corral.agent.fetch.failures", "URIs that could not be fetched", p -> p.fetch.failures());
    counter("corral.agent.sandboxes.removed", "Finished sandboxes removed", p -> p.janitor.sandboxesRemoved());
    counter("corral.agent.logs.rotated", "stdout/stderr files rotated", p -> p.janitor.logsRotated());
    Gauge.builder("corral.agent.executors", this, p -> p.state == null ? 0 : p.state.executors().size())
        .description("Executor runs on the agent").register(registry);
    Gauge.builder("corral.agent.tasks", this,
            p -> p.state == null ? 0 : p.state.executors().stream().mapToInt(e -> e.tasks().size()).sum())
        .description("Tasks on the agent").register(registry);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
  }

  private void counter(String name, String help, ToDoubleFunction<AgentPrometheus> read) {
    FunctionCounter.builder(name, this, read).description(help).register(registry);
  }

  /** The text to serve, with gauges from {@code latest} (whose executors carry their usage). */
  String scrape(AgentHttpServer.AgentStateJson latest) {
    state = latest;
    return registry.scrape() + executorUsage(latest);
  }

  /** One metric of an executor's usage: its name, help, type, and how to read it (null: not known). */
  private record UsageMetric(String name, String help, String type,
      java.util.function.Function<ExecutorUsage, Number> read) {}

  private static final java.util.List<UsageMetric> USAGE = java.util.List.of(
      new UsageMetric("corral_executor_cpu_user_seconds_total", "CPU time in user mode of an executor's container, tasks included", "counter", ExecutorUsage::cpuUserSeconds),
      new UsageMetric("corral_executor_cpu_system_seconds_total", "CPU time in kernel mode of an executor's container", "counter", ExecutorUsage::cpuSystemSeconds),
      new UsageMetric("corral_executor_cpu_throttled_seconds_total", "Time an executor's container was throttled by its CFS cap", "counter", ExecutorUsage::cpuThrottledSeconds),
      new UsageMetric("corral_executor_cpus_limit", "cpus an executor's container is given", "gauge", ExecutorUsage::cpusLimit),
      new UsageMetric("corral_executor_memory_rss_bytes", "Resident anonymous memory of an executor's container", "gauge", ExecutorUsage::rssBytes),
      new UsageMetric("corral_executor_memory_cache_bytes", "Page cache charged to an executor's container", "gauge", ExecutorUsage::cacheBytes),
      new UsageMetric("corral_executor_memory_peak_bytes", "Most memory an executor's container used at once", "gauge", ExecutorUsage::peakBytes),
      new UsageMetric("corral_executor_memory_limit_bytes", "Memory an executor's container may use", "gauge", ExecutorUsage::memLimitBytes),
      new UsageMetric("corral_executor_oom_kills_total", "Processes of an executor's container the OOM killer killed", "counter", ExecutorUsage::oomKills),
      new UsageMetric("corral_executor_disk_used_bytes", "Bytes in an executor's sandbox at the latest disk/du scan", "gauge", ExecutorUsage::diskUsedBytes),
      new UsageMetric("corral_executor_disk_limit_bytes", "Bytes an executor's sandbox may hold", "gauge", ExecutorUsage::diskLimitBytes),
      new UsageMetric("corral_executor_processes", "Processes (cgroups: processes and threads) of an executor's container", "gauge", ExecutorUsage::processes));

  /** Per-executor usage in Prometheus text format, labelled by framework, executor and container. */
  static String executorUsage(AgentHttpServer.AgentStateJson latest) {
    StringBuilder out = new StringBuilder();
    for (UsageMetric m : USAGE) {
      StringBuilder lines = new StringBuilder();
      for (AgentHttpServer.ExecutorJson e : latest.executors()) {
        Number v = e.usage() == null ? null : m.read().apply(e.usage());
        if (v != null) {
          lines.append(m.name()).append("{framework_id=\"").append(label(e.frameworkId())).append("\",executor_id=\"")
              .append(label(e.executorId())).append("\",container_id=\"").append(label(e.containerId())).append("\"} ")
              .append(v.doubleValue()).append('\n');
        }
      }
      if (lines.length() > 0) {
        out.append("# HELP ").append(m.name()).append(' ').append(m.help()).append('\n');
        out.append("# TYPE ").append(m.name()).append(' ').append(m.type()).append('\n');
        out.append(lines);
      }
    }
    return out.toString();
  }

  /** A label value as the text format wants it: backslash, quote and newline escaped. */
  static String label(String v) {
    return v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }
}
