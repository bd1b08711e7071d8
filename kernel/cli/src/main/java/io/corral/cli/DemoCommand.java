package io.corral.cli;

import io.corral.local.LocalCluster;
import io.corral.master.state.CompletedFramework;
import io.corral.protocol.Task;
import io.corral.protocol.TaskState;
import io.corral.scheduler.TaskInfos;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code corral demo}: a local cluster running the example framework, start to finish, and a report. */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Start a local cluster (a master and 3 agent processes), run the example shell framework on "
        + "it, print a report (what ran where, how long it took, the web UI's address), and stop everything. "
        + "Exits 0 when every part succeeded.")
final class DemoCommand implements Callable<Integer> {
  @Option(names = "--agents", description = "Number of agents (default ${DEFAULT-VALUE}).")
  int agents = 3;

  @Option(names = "--tasks", description = "Tasks to run (default ${DEFAULT-VALUE}).")
  int tasks = 30;

  @Option(names = "--port", description = "Master port (default ${DEFAULT-VALUE}: any free port).")
  int port = 0;

  @Option(names = "--work-dir", description = "Work directory (default: a new temporary directory).")
  Path workDir;

  @Override
  public Integer call() throws Exception {
    System.out.println("starting a local cluster with " + agents + " agents...");
    long start = System.nanoTime();
    try (LocalCluster cluster = LocalCommand.start(agents, port, 0, workDir, false, Duration.ofSeconds(15))) {
      String master = cluster.masterAddress().toString();
      double startSeconds = (System.nanoTime() - start) / 1e9;
      System.out.println("master: " + master);
      System.out.println("http: " + cluster.master().httpUrl());
      System.out.println("running " + tasks + " tasks of the example framework "
          + "(corral example shell --master " + master + " --tasks " + tasks + " -- <command>)");
      String command = "echo \"task $CORRAL_TASK_ID ran in $CORRAL_SANDBOX\"; sleep 0.2";
      long run = System.nanoTime();
      int code = ShellRun.run(master, "corral-demo", "*", tasks, 0.1, 32, 1, TaskInfos.shell(command),
          Duration.ofMinutes(5), System.out);
      double runSeconds = (System.nanoTime() - run) / 1e9;
      report(cluster, code, startSeconds, runSeconds);
      System.out.println("sandboxes (stdout/stderr of every task) are under " + cluster.workDir());
      return code;
    }
  }

  /** What ran where, how long it took, and where to look. */
  private void report(LocalCluster cluster, int code, double startSeconds, double runSeconds) throws Exception {
    Map<String, String> hosts = new TreeMap<>();
    Map<String, Integer> perAgent = new TreeMap<>();
    int[] finished = {0};
    cluster.query(v -> {
      v.agents().forEach(a -> hosts.put(a.id(), a.hostname() + ":" + a.port()));
      for (CompletedFramework f : v.completedFrameworks()) {
        if (f.info().getName().equals("corral-demo")) {
          for (Task t : f.tasks()) {
            if (t.getState() == TaskState.TASK_FINISHED) {
              finished[0]++;
              perAgent.merge(t.getAgentId(), 1, Integer::sum);
            }
          }
        }
      }
      return null;
    });
    System.out.println();
    System.out.println("report:");
    System.out.printf("  cluster: a master and %d agents started in %.1f s%n", hosts.size(), startSeconds);
    System.out.printf("  example framework: %d/%d tasks finished in %.1f s (%s)%n", finished[0], tasks, runSeconds,
        code == 0 ? "ok" : "FAILED");
    for (Map.Entry<String, String> a : hosts.entrySet()) {
      System.out.printf("    agent %s (%s): %d task(s)%n", a.getKey(), a.getValue(),
          perAgent.getOrDefault(a.getKey(), 0));
    }
    System.out.println("  web UI: " + cluster.master().httpUrl() + " (while a cluster runs: corral local)");
    System.out.println("  result: " + (code == 0 ? "ok" : "FAILED"));
  }
}
