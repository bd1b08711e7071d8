package io.corral.services.api.json;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.corral.services.app.AppStatusView;
import io.corral.services.app.TaskView;

/** An app with its status as Marathon's {@code /v2/apps} answered it (Marathon's AppInfo). */
public final class AppInfoWriter {
  private AppInfoWriter() {}

  public static ObjectNode app(AppStatusView s, AppEmbed embed) {
    ObjectNode o = AppWriter.definition(s.app());
    if (embed.counts()) {
      o.put("tasksStaged", s.tasksStaged());
      o.put("tasksRunning", s.tasksRunning());
      o.put("tasksHealthy", s.tasksHealthy());
      o.put("tasksUnhealthy", s.tasksUnhealthy());
    }
    if (embed.deployments()) {
      ArrayNode deployments = o.putArray("deployments");
      s.deploymentIds().forEach(id -> deployments.addObject().put("id", id));
    }
    if (embed.lastTaskFailure() && s.lastTaskFailure() != null) {
      o.set("lastTaskFailure", TaskWriter.failure(s.lastTaskFailure()));
    }
    if (embed.tasks()) {
      ArrayNode tasks = o.putArray("tasks");
      for (TaskView t : s.tasks()) {
        tasks.add(TaskWriter.task(t, s.app()));
      }
    }
    return o;
  }
}
