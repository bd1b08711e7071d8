package io.corral.agent.exec;

import io.corral.agent.exec.ExecutorRunStateMachine.Event;
import io.corral.agent.exec.ExecutorRunStateMachine.ProcessStarted;
import io.corral.agent.exec.ExecutorRunStateMachine.StartFailed;
import io.corral.common.loop.EventLoop;
import io.corral.protocol.AgentInfo;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a run's process once its files are fetched: makes its cgroups with its limits (on the loop:
 * cgroupfs is in the kernel's memory), then starts the process on a worker thread, and hands the
 * outcome back on the loop as the run's next event ({@link ProcessStarted}, the process set on the run,
 * or {@link StartFailed}).
 */
final class ProcessLaunch {
  private static final Logger LOG = LoggerFactory.getLogger(ProcessLaunch.class);

  private final ProcessStarter starter;
  private final ExecutorIsolation isolation;
  private final EventLoop loop;
  private final Executor workers;
  private final Supplier<AgentInfo> agentInfo;
  private final Supplier<String> endpoint;
  private final boolean secure;

  /**
   * @param endpoint where executors reach this agent
   * @param secure whether the agent's HTTP API is served over TLS
   */
  ProcessLaunch(ProcessStarter starter, ExecutorIsolation isolation, EventLoop loop, Executor workers,
      Supplier<AgentInfo> agentInfo, Supplier<String> endpoint, boolean secure) {
    this.starter = starter;
    this.isolation = isolation;
    this.loop = loop;
    this.workers = workers;
    this.agentInfo = agentInfo;
    this.endpoint = endpoint;
    this.secure = secure;
  }

  /** Starts the run's process; {@code outcome} gets the run's next event, on the loop, later. */
  void start(ExecutorRun run, Consumer<Event> outcome) {
    AgentInfo info = agentInfo.get();
    List<String> cgroupProcs;
    try {
      cgroupProcs = isolation.prepare(info.getId(), run);
    } catch (java.io.IOException | RuntimeException e) {
      failed(run, "could not create its cgroups: " + e.getMessage(), outcome);
      return;
    }
    String http = info.getHttpPort() > 0
        ? (secure ? "https://" : "http://") + new io.corral.common.net.HostPort(info.getHostname(), info.getHttpPort()) + "/"
        : null;
    ExecutorLauncher.Spec spec = new ExecutorLauncher.Spec(run, info.getId(), endpoint.get(), http, cgroupProcs);
    LOG.info("launching executor {} (container {}) in {}", run.key(), run.containerId(), run.sandbox());
    CompletableFuture.supplyAsync(() -> {
      try {
        return starter.start(spec);
      } catch (Exception e) {
        throw new IllegalStateException(e.getMessage(), e);
      }
    }, workers).whenComplete((process, error) -> loop.execute(() -> {
      if (error != null) {
        Throwable cause = error.getCause() == null ? error : error.getCause();
        failed(run, cause.getMessage(), outcome);
      } else {
        run.setProcess(process);
        outcome.accept(new ProcessStarted());
      }
    }));
  }

  private void failed(ExecutorRun run, String message, Consumer<Event> outcome) {
    LOG.warn("could not start executor {}: {}", run.key(), message);
    loop.execute(() -> outcome.accept(new StartFailed(message)));
  }
}
