package io.corral.cli;

import io.corral.local.LocalCluster;
import io.corral.scheduler.TaskInfos;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code corral demo}: a local cluster running the example framework, start to finish. */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Start a local cluster (3 agents), run the example shell framework on it, print the "
        + "outcome, and stop everything.")
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
    try (LocalCluster cluster = LocalCommand.start(agents, port, 0, workDir, false, Duration.ofSeconds(15))) {
      String master = cluster.masterAddress().toString();
      System.out.println("master: " + master);
      System.out.println("http: " + cluster.master().httpUrl());
      System.out.println("running " + tasks + " tasks of the example framework "
          + "(corral example shell --master " + master + " --tasks " + tasks + " -- <command>)");
      String command = "echo \"task $CORRAL_TASK_ID ran in $CORRAL_SANDBOX\"; sleep 0.2";
      int code = ShellRun.run(master, "corral-demo", "*", tasks, 0.1, 32, 1, TaskInfos.shell(command),
          Duration.ofMinutes(5), System.out);
      System.out.println("sandboxes (stdout/stderr of every task) are under " + cluster.workDir());
      return code;
    }
  }
}
