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

  /** The text to serve, with gauges from {@code latest}. */
  String scrape(AgentHttpServer.AgentStateJson latest) {
    state = latest;
    return registry.scrape();
  }
}
