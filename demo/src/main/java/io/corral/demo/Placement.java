package io.corral.demo;

import io.corral.local.LocalCluster;
import io.corral.local.LocalAgent;
import io.corral.master.state.CompletedFramework;
import io.corral.protocol.Task;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Where the tasks of a part's frameworks ran, as the master has them: the frameworks that were not
 * there before the part started (running or completed), their tasks per agent.
 */
final class Placement {
  private Placement() {}

  /** The ids of every framework the master knows now, running or completed. */
  static Set<String> frameworkIds(LocalCluster cluster) {
    return cluster.query(v -> {
      Set<String> ids = new HashSet<>();
      v.frameworks().forEach(f -> ids.add(f.id()));
      v.completedFrameworks().forEach(f -> ids.add(f.id()));
      return ids;
    });
  }

  /** One line per framework new since {@code before}: {@code framework <name> <id>: N tasks (agent 1: a, agent 2: b)}. */
  static List<String> describe(LocalCluster cluster, Set<String> before) {
    Map<String, String> label = labels(cluster);
    return cluster.query(v -> {
      Map<String, List<Task>> tasks = new LinkedHashMap<>();
      Map<String, String> names = new LinkedHashMap<>();
      for (CompletedFramework f : v.completedFrameworks()) {
        if (!before.contains(f.id())) {
          names.put(f.id(), f.info().getName());
          tasks.put(f.id(), f.tasks());
        }
      }
      v.frameworks().forEach(f -> {
        if (!before.contains(f.id())) {
          names.put(f.id(), f.name());
          tasks.put(f.id(), v.tasks(f.id()));
        }
      });
      List<String> lines = new ArrayList<>();
      names.forEach((id, name) -> lines.add("framework " + name + " (" + id + "): " + perAgent(tasks.get(id), label)));
      return lines;
    });
  }

  private static String perAgent(List<Task> tasks, Map<String, String> label) {
    Map<String, Integer> n = new TreeMap<>();
    for (Task t : tasks) {
      n.merge(label.getOrDefault(t.getAgentId(), t.getAgentId()), 1, Integer::sum);
    }
    List<String> parts = new ArrayList<>();
    n.forEach((agent, count) -> parts.add(agent + ": " + count));
    return tasks.size() + " task(s)" + (parts.isEmpty() ? "" : " (" + String.join(", ", parts) + ")");
  }

  /** "agent 1", "agent 2"... by the agents' order in the cluster. */
  static Map<String, String> labels(LocalCluster cluster) {
    Map<String, String> out = new LinkedHashMap<>();
    List<LocalAgent> agents = cluster.agents();
    for (int i = 0; i < agents.size(); i++) {
      String id = agents.get(i).agentId();
      if (id != null) {
        out.put(id, "agent " + (i + 1));
      }
    }
    return out;
  }
}
