package io.corral.services.engine;

import io.corral.services.app.AppId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The engine's tasks that have not ended, by task id and by app, in launch order. Owned by the engine's loop. */
final class Instances {
  private final Map<String, Instance> byId = new HashMap<>();
  private final Map<AppId, LinkedHashMap<String, Instance>> byApp = new HashMap<>();

  Instance get(String taskId) {
    return byId.get(taskId);
  }

  void put(Instance i) {
    byId.put(i.taskId(), i);
    byApp.computeIfAbsent(i.appId(), a -> new LinkedHashMap<>()).put(i.taskId(), i);
  }

  Instance remove(String taskId) {
    Instance i = byId.remove(taskId);
    if (i != null) {
      LinkedHashMap<String, Instance> app = byApp.get(i.appId());
      app.remove(taskId);
      if (app.isEmpty()) {
        byApp.remove(i.appId());
      }
    }
    return i;
  }

  /** The app's tasks, in launch order. */
  List<Instance> of(AppId app) {
    LinkedHashMap<String, Instance> m = byApp.get(app);
    return m == null ? List.of() : new ArrayList<>(m.values());
  }

  /** The apps that have tasks (some perhaps deleted already, their tasks still ending). */
  Set<AppId> apps() {
    return byApp.keySet();
  }

  Collection<Instance> all() {
    return byId.values();
  }

  int size() {
    return byId.size();
  }
}
