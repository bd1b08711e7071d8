package io.corral.services.engine;

import io.corral.common.resources.Resources;
import io.corral.protocol.CommandInfo;
import io.corral.protocol.CommandURI;
import io.corral.protocol.EnvironmentVariable;
import io.corral.protocol.KillPolicy;
import io.corral.protocol.Offer;
import io.corral.protocol.TaskInfo;
import io.corral.services.app.AppDefinition;
import io.corral.services.app.FetchUri;
import java.util.List;
import java.util.Map;

/**
 * The kernel task for one instance of an app on an offer: its command ({@code cmd} through the shell,
 * {@code args} without one), what to fetch first, its environment ({@link TaskEnvironment}), user,
 * resources (with the ports it was given), labels, kill grace period and health check
 * ({@link KernelHealthCheck}). Pure.
 */
final class TaskInfoFactory {
  private TaskInfoFactory() {}

  static TaskInfo build(AppDefinition app, String taskId, Offer offer, Resources resources, List<Integer> ports) {
    TaskInfo.Builder t = TaskInfo.newBuilder()
        .setTaskId(taskId)
        .setName(app.id().taskIdPrefix())
        .setAgentId(offer.getAgentId())
        .addAllResources(resources.toProto())
        .setCommand(command(app, TaskEnvironment.of(app, taskId, offer.getHostname(), ports)))
        .putAllLabels(app.labels());
    if (app.taskKillGracePeriodSeconds() > 0) {
      t.setKillPolicy(KillPolicy.newBuilder().setGracePeriodSeconds(app.taskKillGracePeriodSeconds()));
    }
    KernelHealthCheck.of(app.healthChecks(), ports).ifPresent(t::setHealthCheck);
    return t.build();
  }

  /** The scalar resources one instance of {@code app} needs (ports come from the offer). */
  static Resources scalars(AppDefinition app) {
    return Resources.builder().cpus(app.cpus()).mem(app.mem()).disk(app.disk()).build();
  }

  private static CommandInfo command(AppDefinition app, Map<String, String> env) {
    CommandInfo.Builder c = CommandInfo.newBuilder();
    if (app.cmd() != null && !app.cmd().isEmpty()) {
      c.setValue(app.cmd());
    } else if (!app.args().isEmpty()) {
      c.setShell(false).setValue(app.args().get(0)).addAllArguments(app.args());
    }
    env.forEach((k, v) -> c.addEnvironment(EnvironmentVariable.newBuilder().setName(k).setValue(v)));
    for (FetchUri u : app.fetch()) {
      CommandURI.Builder uri = CommandURI.newBuilder().setValue(u.uri()).setExtract(u.extract())
          .setExecutable(u.executable()).setCache(u.cache());
      if (u.outputFile() != null && !u.outputFile().isEmpty()) {
        uri.setOutputFile(u.outputFile());
      }
      c.addUris(uri);
    }
    if (app.user() != null && !app.user().isEmpty()) {
      c.setUser(app.user());
    }
    return c.build();
  }
}
