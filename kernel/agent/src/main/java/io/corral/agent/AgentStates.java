package io.corral.agent;

import io.corral.agent.exec.AgentTask;
import io.corral.agent.exec.ExecutorRun;
import io.corral.agent.http.AgentHttpServer.AgentStateJson;
import io.corral.agent.http.AgentHttpServer.ExecutorJson;
import io.corral.common.resources.Resources;
import io.corral.http.ResourcesJson;
import io.corral.protocol.AgentInfo;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The agent's state for its HTTP API, captured on the agent's loop. */
final class AgentStates {
  private AgentStates() {}

  static AgentStateJson capture(AgentCore core, AgentConfig config) {
    AgentInfo info = core.info();
    Path sandboxes = io.corral.agent.exec.Sandboxes.root(config.workDir());
    List<ExecutorJson> executors = new ArrayList<>();
    for (ExecutorRun run : core.supervisor().runs().values()) {
      List<String> tasks = new ArrayList<>();
      for (AgentTask t : run.tasks().values()) {
        tasks.add(t.info().getTaskId());
      }
      Resources r;
      try {
        r = Resources.fromProto(run.info().getResourcesList());
      } catch (RuntimeException e) {
        r = Resources.EMPTY;
      }
      ProcessHandle h = run.handle();
      String sandbox = run.sandbox().toAbsolutePath().normalize().startsWith(sandboxes)
          ? sandboxes.relativize(run.sandbox().toAbsolutePath().normalize()).toString()
          : null;
      var cgroups = run.cgroups();
      executors.add(new ExecutorJson(run.key().frameworkId(), run.key().executorId(), run.containerId(),
          run.info().getName(), run.state().shown(), h == null ? null : h.pid(), sandbox, ResourcesJson.of(r),
          run.isCommandExecutor() ? ResourcesJson.of(config.isolation().commandExecutorOverhead()) : null, tasks,
          cgroups == null ? null : cgroups.dirs().stream().map(Path::toString).toList(), null,
          new io.corral.agent.http.AgentHttpServer.Sources(cgroups, run.processUsage(), run.diskUsedBytes(),
              core.supervisor().limits(run))));
    }
    return new AgentStateJson(info.getId(), info.getHostname(), info.getPort(), info.getHttpPort(), config.master(),
        info.getVersion(), ResourcesJson.of(config.resources().all()), ResourcesJson.attributes(info.getAttributesList()),
        executors);
  }
}
