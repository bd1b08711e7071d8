package io.corral.demo;

import io.corral.command.CorralSubcommand;
import io.corral.common.detect.ZkUrl;
import io.corral.daemon.DaemonLogs;
import io.corral.examples.cli.ShellRun;
import io.corral.local.LocalAgent;
import io.corral.local.LocalCluster;
import io.corral.master.state.CompletedFramework;
import io.corral.protocol.Task;
import io.corral.protocol.TaskState;
import io.corral.scheduler.TaskInfos;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code corral demo}: a local cluster (ZooKeeper, a master, 3 agent processes) running the example
 * framework, a Hadoop WordCount, a Spark job and a Storm topology one after another, then a report.
 * A subcommand this module adds to {@code corral}: it runs Hadoop, Spark and Storm from the
 * distribution's {@code bridges/}, which the kernel knows nothing of.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = {"Start a local cluster (an embedded ZooKeeper unless --zk, a master elected through it, and 3 agent "
        + "processes), run on it the example shell framework, Hadoop's WordCount (mapreduce.framework.name=corral), "
        + "a Spark word count (spark+corral://) and a Storm word count topology (on a Corral-backed Nimbus), "
        + "print a report (what ran where, how long it took, the web UI's address) and stop everything.",
        "Exits 0 when every part succeeded, 1 otherwise. Needs the distribution's bridges/ (bin/corral demo)."})
public final class DemoCommand implements Callable<Integer>, CorralSubcommand {
  /** What the demo can run, in this order. */
  enum Part { example, hadoop, spark, storm }

  @Option(names = "--agents", description = "Number of agents (default ${DEFAULT-VALUE}).")
  int agents = 3;

  @Option(names = "--tasks", description = "Tasks of the example framework (default ${DEFAULT-VALUE}).")
  int tasks = 30;

  @Option(names = "--parts", split = ",", paramLabel = "PART",
      description = "What to run, comma-separated, of: ${COMPLETION-CANDIDATES} (default: all).")
  List<Part> parts = List.of(Part.values());

  @Option(names = "--agent-cpus",
      description = "cpus each agent offers at least (default ${DEFAULT-VALUE}: Hadoop's AM and tasks take a whole "
          + "cpu each, more than a third of a 2-core machine).")
  double agentCpus = 2;

  @Option(names = "--zk", description = "A ZooKeeper to use instead of the embedded one: host:port[,...] or "
      + "zk://host:port[,...]/path (the master's election path; Storm's state goes under /storm).")
  String zk;

  @Option(names = "--port", description = "Master port (default ${DEFAULT-VALUE}: any free port).")
  int port = 0;

  @Option(names = "--work-dir", description = "Work directory (default: a new temporary directory).")
  Path workDir;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** Where the report goes. */
  PrintStream out = System.out;

  /** The installation whose bridges/ the parts run (default: the corral.home the launcher sets). */
  Path home;

  @Override
  public String listedAfter() {
    return "storm";
  }

  @Override
  public Integer call() throws Exception {
    if (agents < 1) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--agents must be at least 1");
    }
    if (agentCpus <= 0) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--agent-cpus must be positive");
    }
    ZkUrl zkUrl;
    try {
      zkUrl = zk == null ? null : ZkUrl.parse(zk.startsWith("zk://") ? zk : "zk://" + zk + "/corral-demo");
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--zk " + zk + ": " + e.getMessage());
    }
    Path dir = workDir != null ? Files.createDirectories(workDir) : Files.createTempDirectory("corral-demo-");
    if (DaemonLogs.toFileWithWarningsOnConsole(dir.resolve("demo.log"))) {
      out.println("log: " + dir.resolve("demo.log") + " (the console shows warnings only)");
    }
    Path installation = home != null ? home : Path.of(System.getProperty("corral.home", ".")).toAbsolutePath();
    long start = System.nanoTime();
    out.println("starting " + (zkUrl == null ? "ZooKeeper, " : "") + "a master and " + agents + " agents...");
    try (EmbeddedZooKeeper embedded = zkUrl == null ? EmbeddedZooKeeper.start(dir.resolve("zookeeper")) : null) {
      ZkUrl url = zkUrl != null ? zkUrl : ZkUrl.parse("zk://" + embedded.connectString() + "/corral-demo");
      try (LocalCluster cluster = startCluster(dir, url)) {
        double startSeconds = (System.nanoTime() - start) / 1e9;
        DemoEnv env = new DemoEnv(cluster, url.connectString(), installation, dir);
        out.println("master: " + cluster.masterAddress());
        out.println("http: " + cluster.master().httpUrl());
        out.println("zookeeper: " + url + (embedded != null ? " (embedded)" : ""));
        List<PartResult> results = new ArrayList<>();
        for (Part p : EnumSet.copyOf(parts)) {
          DemoPart part = part(p);
          out.println("running " + part.title() + "...");
          PartResult r = DemoPart.runTimed(part, env);
          out.println("  " + part.title() + ": " + (r.ok() ? "ok" : "FAILED: " + r.summary()));
          results.add(r);
        }
        boolean ok = results.stream().allMatch(PartResult::ok);
        report(cluster, url, embedded != null, startSeconds, results, ok);
        out.println("work directory (logs, sandboxes, job output): " + dir);
        return ok ? 0 : 1;
      }
    }
  }

  private LocalCluster startCluster(Path dir, ZkUrl url) throws java.io.IOException {
    return LocalCluster.builder(dir).agents(agents).masterPort(port)
        .mode(LocalCluster.Mode.PROCESSES)
        .masterConfig(m -> m.agentPingTimeout(Duration.ofSeconds(15)).workDir(dir.resolve("master")).httpPort(0)
            .zk(url.toString()))
        .minAgentCpus(agentCpus)
        .agentArgs(List.of("--command-executor-idle-timeout", "30s"))
        .startTimeout(Duration.ofMinutes(1))
        .start();
  }

  private DemoPart part(Part p) {
    return switch (p) {
      case example -> new ExampleFramework(tasks);
      case hadoop -> new HadoopWordCount();
      case spark -> new SparkWordCount();
      case storm -> new StormWordCount();
    };
  }

  /** What ran where, how long it took, and where to look. */
  private void report(LocalCluster cluster, ZkUrl zk, boolean embedded, double startSeconds,
      List<PartResult> results, boolean ok) {
    out.println();
    out.println("report:");
    out.printf("  cluster: a master and %d agents started in %.1f s (ZooKeeper %s%s)%n", cluster.agents().size(),
        startSeconds, zk.connectString(), embedded ? ", embedded" : "");
    Map<String, String> hosts = new TreeMap<>();
    cluster.query(v -> {
      v.agents().forEach(a -> hosts.put(a.id(), a.hostname() + ":" + a.port()));
      return null;
    });
    List<LocalAgent> agents = cluster.agents();
    for (int i = 0; i < agents.size(); i++) {
      String id = agents.get(i).agentId();
      out.printf("    agent %d: %s (%s)%n", i + 1, id, hosts.getOrDefault(id, "gone"));
    }
    for (PartResult r : results) {
      r.lines().forEach(out::println);
    }
    out.println("  web UI: " + cluster.master().httpUrl() + " (while a cluster runs: corral local)");
    out.println("  result: " + (ok ? "ok" : "FAILED"));
  }

  /** The example shell framework (corral example shell): {@code tasks} short shell tasks. */
  static final class ExampleFramework implements DemoPart {
    private final int tasks;

    ExampleFramework(int tasks) {
      this.tasks = tasks;
    }

    @Override
    public String title() {
      return "example framework";
    }

    @Override
    public PartResult run(DemoEnv env) throws Exception {
      Path log = env.workDir().resolve("example.log");
      String command = "echo \"task $CORRAL_TASK_ID ran in $CORRAL_SANDBOX\"; sleep 0.2";
      java.util.Set<String> before = new java.util.HashSet<>();
      env.cluster().query(v -> {
        v.completedFrameworks().forEach(f -> before.add(f.id()));
        return null;
      });
      int code;
      try (PrintStream out = new PrintStream(Files.newOutputStream(log), true, StandardCharsets.UTF_8)) {
        code = ShellRun.run(env.master(), "corral-demo", "*", tasks, 0.1, 32, 1, TaskInfos.shell(command),
            Duration.ofMinutes(5), out);
      }
      Map<String, Integer> perAgent = new TreeMap<>();
      int[] finished = {0};
      env.cluster().query(v -> {
        for (CompletedFramework f : v.completedFrameworks()) {
          if (!before.contains(f.id()) && f.info().getName().equals("corral-demo")) {
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
      List<String> details = new ArrayList<>();
      List<LocalAgent> agents = env.cluster().agents();
      for (int i = 0; i < agents.size(); i++) {
        details.add("agent " + (i + 1) + ": " + perAgent.getOrDefault(agents.get(i).agentId(), 0) + " task(s)");
      }
      details.add("output of the run: " + log + "; each task's stdout is in its sandbox");
      return new PartResult(title(), code == 0, 0, finished[0] + "/" + tasks + " tasks finished", details);
    }
  }
}
