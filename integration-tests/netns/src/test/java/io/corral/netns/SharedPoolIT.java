package io.corral.netns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.corral.bridges.testkit.SourceJar;
import io.corral.bridges.testkit.Http;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.StringTokenizer;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The shared pool, end to end: on the multi-host cluster's 6 cpus, a Storm topology in role
 * {@code stream}, a flood of MapReduce jobs in {@code eng/etl} and a Spark application in
 * {@code eng/adhoc}, each role with a guarantee ({@code bin/corral quota set} on the client;
 * {@code eng/adhoc}'s through {@code PUT /api/v1/quota} at the moment its application arrives), each
 * framework started from the client machine as a user starts it (the README walk-through's
 * commands, with {@code corral.role}, {@code spark.corral.role} and {@code --role}).
 *
 * <ol>
 *   <li>The topology comes first and gets its Supervisor within its guarantee.
 *   <li>Two MapReduce jobs (a user's job jar: a word count whose maps run until the test lets them
 *       end) take every cpu left, with maps still waiting.
 *   <li>{@code eng/adhoc} is given its guarantee as its Spark application arrives (given earlier,
 *       the master would have kept it free, and nothing would be preempted): the pool is full, so
 *       the master preempts MapReduce maps, and the jobs' AMs hand the notice to Hadoop's
 *       {@code KillAMPreemptionPolicy}.
 * </ol>
 *
 * A thread reads {@code /api/v1/roles} every 200 ms throughout. The test checks that
 * {@code stream} holds its guarantee from its Supervisor's start to the jobs' end and is never
 * preempted, that {@code eng/etl} reaches its guarantee and is never taken below it while its maps
 * wait, that {@code eng/adhoc} reaches its guarantee while its application runs (and prints how
 * long that took), that {@code eng/etl}'s preemptions are counted, and that every result is right:
 * each job's word counts, the Spark counts, the topology's acked sentences. It leaves the cluster
 * as it found it: quotas removed, its frameworks ended.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
@ExtendWith(SharedCluster.Resolver.class)
class SharedPoolIT {
  private static final Duration STEP = Duration.ofMinutes(3);
  private static final String MASTER = "zk://zk1:2181/corral";
  private static final String ROLES = "api/v1/roles";
  private static final String DIR = "/shared-pool";
  private static final String RELEASE = DIR + "/release";
  private static final Guarantee STREAM = new Guarantee("stream", "cpus:0.5;mem:1024");
  private static final Guarantee ETL = new Guarantee("eng/etl", "cpus:2;mem:2048");
  private static final Guarantee ADHOC = new Guarantee("eng/adhoc", "cpus:2;mem:1536");
  private static final List<Guarantee> GUARANTEES = List.of(STREAM, ETL, ADHOC);
  private static final int JOBS = 2;
  private static final int MAPS_PER_JOB = 3;
  /** The topology acks this many sentences, at most 20 a second, and ends: it outlasts the rest. */
  private static final int SENTENCES = 2000;
  /**
   * The JVMs the scenario starts besides the harness's (job clients, AMs, map and reduce tasks, the
   * Spark driver and executors) use one GC thread and no C2 compiler, as the daemons do: some 30
   * JVMs share the machine's cores at the busiest moment.
   */
  private static final String LIGHT_JVM = "-XX:+UseSerialGC -XX:TieredStopAtLevel=1";

  private static SharedCluster shared;
  private static MultiHostCluster cluster;
  private static HostShell shell;
  private static FileSystem hdfs;
  private static RoleWatch watch;

  @RegisterExtension
  static final DescribeOnFailure DESCRIBE = new DescribeOnFailure(SharedPoolIT::describe);

  /** A role's guarantee, as {@code corral quota set --guarantee} takes it. */
  private record Guarantee(String role, String spec) {
    Map<String, Double> amounts() {
      Map<String, Double> m = new LinkedHashMap<>();
      for (String part : spec.split(";")) {
        String[] kv = part.split(":");
        m.put(kv[0], Double.parseDouble(kv[1]));
      }
      return m;
    }

    String quotaSet() {
      return "bin/corral quota set " + role + " --guarantee '" + spec + "' --master " + MASTER;
    }

    String json() {
      StringBuilder b = new StringBuilder("{\"guarantee\": {");
      amounts().forEach((r, v) -> b.append(b.charAt(b.length() - 1) == '{' ? "" : ", ").append('"').append(r)
          .append("\": ").append(v));
      return b.append("}}").toString();
    }

    boolean heldBy(RoleWatch.Role r) {
      return r.holds(amounts());
    }
  }

  /** A MapReduce job of the flood: its client on the client machine, its input's word counts. */
  private record Job(String name, Daemon client, Map<String, Long> expected) {
    String out() {
      return DIR + "/" + name + "/out";
    }
  }

  @BeforeAll
  static void useCluster(SharedCluster c) throws Exception {
    shared = c;
    cluster = c.cluster();
    shell = new HostShell(cluster, "pool");
    Host nn = c.hdfs();
    hdfs = FileSystem.newInstance(URI.create("hdfs://" + nn.address() + ":" + HdfsHost.PORT), new Configuration());
  }

  @Test
  void aMapReduceFloodASparkApplicationAndAStormTopologyEachGetTheirGuaranteeAndTheirResults() throws Exception {
    Host leader = cluster.awaitSteady(Duration.ofSeconds(60));
    String http = MultiHostCluster.httpUrl(leader);
    awaitIdle(http);
    shared.publishBundles(shell, STEP);
    List<Walkthrough.Step> steps = Walkthrough.read(Walkthrough.readme());
    Host client = cluster.clientHost;
    String nimbusName = "m2";
    Host nimbusHost = shared.machine(nimbusName);

    hdfs.delete(new org.apache.hadoop.fs.Path(DIR), true);
    Path jar = SourceJar.build(Path.of("src/test/jobs"), System.getProperty("java.class.path"),
        "io.corral.netns.jobs.HeldWordCount", Files.createDirectories(cluster.dir.resolve("pool-jobs"))
            .resolve("held-wordcount.jar"));
    List<Map<String, Long>> inputs = new ArrayList<>();
    for (int j = 1; j <= JOBS; j++) {
      inputs.add(writeInput(DIR + "/etl-" + j + "/in", MAPS_PER_JOB, j));
    }

    watch = RoleWatch.start(() -> http, Duration.ofMillis(200));
    long t0 = System.nanoTime();
    long etlPreemptionsBefore = roles(http).getOrDefault(ETL.role(), 0L);
    shell.run(client, STREAM.quotaSet() + " && " + ETL.quotaSet(), STEP);

    // 1. Storm in `stream`: the Nimbus on m2, the topology from the client.
    Daemon nimbus = shell.start(nimbusHost, "bin/corral storm nimbus --master " + MASTER + " --zk zk1:2181/storm-pool"
        + " --host " + nimbusName + " --heap 512m --storm-uri " + Walkthrough.pushedTo(steps, "bridges/storm/storm-home")
        + " --bridge-uri " + Walkthrough.pushedTo(steps, "bridges/storm/corral-storm.jar")
        + " --role " + STREAM.role() + " --name storm-stream --work-dir " + cluster.dir.resolve("pool-nimbus")
        + " -c executor.metrics.frequency.secs=5");
    nimbus.awaitLine("nimbus: \\S+", STEP);
    Daemon topology = shell.start(client, "bin/storm jar bridges/storm/corral-storm.jar"
        + " io.corral.storm.examples.WordCountTopology pool-words " + SENTENCES + " 300 20"
        + " -c nimbus.seeds='[\"" + nimbusName + "\"]'");
    awaitWhileRunning("stream holds its guarantee", () -> latestHolds(STREAM), nimbus, topology);
    long streamHeld = System.nanoTime();

    // 2. The flood in `eng/etl`: two jobs whose maps hold their containers until released.
    List<Job> jobs = new ArrayList<>();
    for (int j = 1; j <= JOBS; j++) {
      String name = "etl-" + j;
      jobs.add(new Job(name, shell.start(client, "\"$JAVA_HOME/bin/java\" " + LIGHT_JVM + " -Xmx256m -cp"
          + " 'bridges/hadoop/hadoop-lib/*:bridges/hadoop/corral-hadoop.jar' org.apache.hadoop.util.RunJar " + jar
          + " -Dfs.defaultFS=hdfs://nn:8020 -Dmapreduce.framework.name=corral -Dcorral.master=" + MASTER
          + " -Dcorral.hadoop.bundle.uri=" + Walkthrough.pushedTo(steps, "bundle") + " -Dcorral.role=" + ETL.role()
          + " -Dshared.pool.release=" + RELEASE + " -Dmapreduce.job.reduce.slowstart.completedmaps=1.0"
          + " -Dmapreduce.map.speculative=false -Dmapreduce.task.io.sort.mb=32"
          + " -Dyarn.app.mapreduce.am.command-opts='-Xmx384m " + LIGHT_JVM + "'"
          + " -Dmapreduce.map.java.opts='-Xmx192m " + LIGHT_JVM + "'"
          + " -Dmapreduce.reduce.java.opts='-Xmx192m " + LIGHT_JVM + "'"
          + " " + DIR + "/" + name + "/in " + DIR + "/" + name + "/out"), inputs.get(j - 1)));
    }
    Daemon[] floodClients = jobs.stream().map(Job::client).toArray(Daemon[]::new);
    awaitWhileRunning("eng/etl holds more than its guarantee and no cpu is left for a map",
        () -> latestHolds(ETL) && watch.latest().orElseThrow().role(ETL.role()).cpus() > ETL.amounts().get("cpus")
            && freeCpus(http) < 1, floodClients);
    long poolFull = System.nanoTime();

    // 3. Spark in `eng/adhoc`: its guarantee (through the API, as `corral quota set` sends it), then its application.
    Http.Answer quota = Http.put(http + "api/v1/quota/" + ADHOC.role(), ADHOC.json());
    assertThat(quota.status()).as("PUT quota %s: %s", ADHOC.role(), quota.body()).isEqualTo(200);
    long submitted = System.nanoTime();
    Daemon spark = shell.start(client, "bin/spark-submit --master spark+corral://" + MASTER
        + " --conf spark.corral.executor.uri=" + Walkthrough.pushedTo(steps, "bridges/spark/spark-home")
        + " --conf spark.corral.bridge.uri=" + Walkthrough.pushedTo(steps, "bridges/spark/corral-spark.jar")
        + " --conf spark.driver.host=client --conf spark.corral.role=" + ADHOC.role() + " --driver-memory 512m"
        + " --conf spark.driver.extraJavaOptions='" + LIGHT_JVM + "'"
        + " --conf spark.executor.extraJavaOptions='" + LIGHT_JVM + "'"
        + " --conf spark.executor.instances=2 --conf spark.executor.memory=512m"
        + " --conf spark.scheduler.minRegisteredResourcesRatio=1.0"
        + " --conf spark.scheduler.maxRegisteredResourcesWaitingTime=300s"
        + " --class io.corral.spark.examples.WordCount bridges/spark/corral-spark.jar 100000 4");
    int sparkExit = spark.awaitExit(STEP);
    long sparkEnded = System.nanoTime();
    assertThat(sparkExit).as("spark-submit exited %d\n%s", sparkExit, spark.describe()).isZero();

    // 4. The maps may end; the jobs and the topology finish.
    hdfs.create(new org.apache.hadoop.fs.Path(RELEASE)).close();
    long released = System.nanoTime();
    for (Job job : jobs) {
      int rc = job.client().awaitExit(STEP);
      assertThat(rc).as("the MapReduce job %s exited %d\n%s", job.name(), rc, job.client().describe()).isZero();
    }
    long jobsEnded = System.nanoTime();
    int topologyExit = topology.awaitExit(STEP);
    assertThat(topologyExit).as("the topology's main exited %d\n%s", topologyExit, topology.describe()).isZero();
    long topologyEnded = System.nanoTime();
    RoleWatch.Sample last = awaitSample();
    watch.close();

    printTimeline(t0);
    // Each role reached its guarantee while it had demand, and kept it (an agent that missed its pings on this
    // busy machine takes its tasks out of the count until it is back: those moments are left out, and counted).
    List<RoleWatch.Sample> streamShort = watch.violations(streamHeld, Math.min(jobsEnded, topologyEnded),
        STREAM.role(), STREAM::heldBy);
    assertThat(streamShort).as("samples in which stream held less than its guarantee while its topology ran")
        .isEmpty();
    long etlHeld = watch.first(streamHeld, ETL.role(), ETL::heldBy).orElseThrow().nanos();
    assertThat(watch.violations(etlHeld, released, ETL.role(), ETL::heldBy))
        .as("samples in which eng/etl, its maps waiting, held less than its guarantee").isEmpty();
    assertThat(watch.count(streamHeld, released) - watch.unsettled(streamHeld, released))
        .as("samples taken meanwhile with every agent active").isGreaterThan(20);
    RoleWatch.Sample adhocDemand = watch.first(submitted, ADHOC.role(), r -> r.frameworks() > 0)
        .orElseThrow(() -> new AssertionError("no sample shows the Spark application's framework in eng/adhoc"));
    RoleWatch.Sample adhocHeld = watch.first(submitted, ADHOC.role(), ADHOC::heldBy)
        .orElseThrow(() -> new AssertionError("eng/adhoc never held its guarantee " + ADHOC.spec()));
    assertThat(adhocHeld.nanos()).as("eng/adhoc reached its guarantee while its application ran")
        .isLessThan(sparkEnded);
    System.out.printf("shared pool: eng/adhoc was allocated its guarantee (%s) %.1f s after spark-submit started, %.1f s"
            + " after its framework subscribed; stream held its (%s) from %.1f s to the end, eng/etl its (%s) from %.1f s;"
            + " the pool was full at %.1f s%n", ADHOC.spec(), adhocHeld.secondsSince(submitted),
        adhocHeld.secondsSince(adhocDemand.nanos()), STREAM.spec(), (streamHeld - t0) / 1e9, ETL.spec(),
        (etlHeld - t0) / 1e9, (poolFull - t0) / 1e9);

    // Preemptions are counted, and only eng/etl's.
    long etlPreemptions = last.role(ETL.role()).preemptions() - etlPreemptionsBefore;
    System.out.printf("shared pool: eng/etl preemptions %d; %d of %d samples taken while an agent was unreachable%n",
        etlPreemptions, watch.unsettled(t0, Long.MAX_VALUE), watch.count(t0, Long.MAX_VALUE));
    assertThat(etlPreemptions).as("eng/etl's tasks preempted for eng/adhoc (/api/v1/roles preemptions)").isPositive();
    assertThat(last.role(STREAM.role()).preemptions()).as("stream's preemptions").isZero();
    assertThat(last.role(ADHOC.role()).preemptions()).as("eng/adhoc's preemptions").isZero();
    Map<String, Long> etlTaskStates = etlTaskStates(http);
    System.out.println("shared pool: eng/etl's tasks ended " + etlTaskStates);
    assertThat(etlTaskStates).as("the flood's tasks (a preempted attempt ends KILLED, not FAILED)")
        .doesNotContainKey("TASK_FAILED").containsKey("TASK_KILLED");

    // Every result is right.
    for (Job job : jobs) {
      assertThat(output(job.out())).as("the word counts of MapReduce job %s", job.name()).isEqualTo(job.expected());
    }
    String sparkOut = String.join("\n", spark.stdout());
    assertThat(sparkOut).contains("wordcount: 640000 words, 27 distinct in 100000 lines");
    assertThat(sparkOut).containsPattern("counts: .*\\bthe=80000\\b").containsPattern("counts: .*\\bseven=40000\\b");
    Matcher acked = Pattern.compile("(?m)^acked: (\\d+) sentences on (.*)$")
        .matcher(String.join("\n", topology.stdout()));
    assertThat(acked.find()).as("the topology's main printed 'acked: ...'").isTrue();
    assertThat(Long.parseLong(acked.group(1))).isGreaterThanOrEqualTo(SENTENCES);
  }

  /** Waits for {@code condition}, failing at once if one of {@code running} ends meanwhile. */
  private static void awaitWhileRunning(String what, Callable<Boolean> condition, Daemon... running) {
    await(what).atMost(STEP).pollInterval(Duration.ofMillis(200)).until(() -> {
      for (Daemon d : running) {
        if (!d.isAlive()) {
          throw new AssertionError(d + " ended before " + what + "\n" + d.describe());
        }
      }
      return condition.call();
    });
  }

  private static boolean latestHolds(Guarantee g) {
    return watch.latest().map(s -> g.heldBy(s.role(g.role()))).orElse(false);
  }

  /** A sample taken after now: the roles as they are at the end. */
  private static RoleWatch.Sample awaitSample() {
    long now = System.nanoTime();
    await().atMost(Duration.ofSeconds(30)).until(() -> watch.latest().filter(s -> s.nanos() > now).isPresent());
    return watch.latest().orElseThrow();
  }

  /** Each role's preemptions as the leader counts them. */
  private static Map<String, Long> roles(String http) {
    Map<String, Long> m = new TreeMap<>();
    Http.json(http + ROLES).path("roles").forEach(r -> m.put(r.path("name").asText(), r.path("preemptions").asLong()));
    return m;
  }

  /** The cpus no task or executor holds, over the agents (offered ones count as free: offers are taken back first). */
  private static double freeCpus(String http) {
    double free = 0;
    for (JsonNode a : Http.json(http + "api/v1/agents")) {
      free += a.path("resources").path("cpus").asDouble() - a.path("used_resources").path("cpus").asDouble();
    }
    return free;
  }

  /** Waits until no agent runs anything: the scenario counts on the whole pool. */
  private static void awaitIdle(String http) {
    await("the pool idle").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> {
      double used = 0;
      for (JsonNode a : Http.json(http + "api/v1/agents")) {
        used += a.path("used_resources").path("cpus").asDouble() + a.path("used_resources").path("mem").asDouble();
      }
      return used == 0;
    });
  }

  /** How the tasks of eng/etl's frameworks (the jobs, removed once done) ended, by state. */
  private static Map<String, Long> etlTaskStates(String http) {
    JsonNode state = Http.json(http + "api/v1/state");
    Set<String> etl = new HashSet<>();
    for (String key : List.of("frameworks", "completed_frameworks")) {
      state.path(key).forEach(f -> {
        if (f.path("role").asText().equals(ETL.role())) {
          etl.add(f.path("id").asText());
        }
      });
    }
    Map<String, Long> states = new TreeMap<>();
    state.path("completed_tasks").forEach(t -> {
      if (etl.contains(t.path("framework_id").asText())) {
        states.merge(t.path("state").asText(), 1L, Long::sum);
      }
    });
    return states;
  }

  /** Writes {@code files} files of words under {@code dir} (one map each); returns their word counts. */
  private static Map<String, Long> writeInput(String dir, int files, long seed) throws IOException {
    Random random = new Random(seed);
    Map<String, Long> counts = new TreeMap<>();
    for (int f = 0; f < files; f++) {
      StringBuilder text = new StringBuilder();
      for (int line = 0; line < 400; line++) {
        for (int w = 0; w < 8; w++) {
          text.append(w == 0 ? "" : " ").append("w").append(random.nextInt(60));
        }
        text.append('\n');
      }
      StringTokenizer words = new StringTokenizer(text.toString());
      while (words.hasMoreTokens()) {
        counts.merge(words.nextToken(), 1L, Long::sum);
      }
      try (OutputStream out = hdfs.create(new org.apache.hadoop.fs.Path(dir + "/part-" + f + ".txt"))) {
        out.write(text.toString().getBytes(StandardCharsets.UTF_8));
      }
    }
    return counts;
  }

  /** A job's output: word and count of each line of its {@code part-r-*} files. */
  private static Map<String, Long> output(String dir) throws IOException {
    Map<String, Long> counts = new TreeMap<>();
    FileStatus[] parts = hdfs.globStatus(new org.apache.hadoop.fs.Path(dir + "/part-r-*"));
    assertThat(parts).as("the part files of %s", dir).isNotEmpty();
    for (FileStatus part : parts) {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(hdfs.open(part.getPath()),
          StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          String[] kv = line.split("\t");
          counts.put(kv[0], Long.parseLong(kv[1]));
        }
      }
    }
    return counts;
  }

  /** Each role's cpus every 2 s, for the test's output. */
  private static void printTimeline(long t0) {
    long next = t0;
    for (RoleWatch.Sample s : watch.samples()) {
      if (s.nanos() >= next) {
        StringBuilder b = new StringBuilder(String.format("roles at %5.1f s:", s.secondsSince(t0)));
        for (Guarantee g : GUARANTEES) {
          RoleWatch.Role r = s.role(g.role());
          b.append(String.format(" %s cpus %.1f (%d preempted)", g.role(), r.cpus(), r.preemptions()));
        }
        if (!s.settled()) {
          b.append(String.format(" [%d agent(s) not active]", s.inactiveAgents()));
        }
        System.out.println(b);
        next = s.nanos() + 2_000_000_000L;
      }
    }
  }

  /**
   * Leaves the cluster as the other classes expect it: what this class started ended (its
   * commands, then its frameworks, the Nimbus's included), the maps released, the quotas removed.
   */
  @AfterAll
  static void leaveThePoolAsItWas() throws Exception {
    if (watch != null) {
      watch.close();
    }
    if (hdfs != null) {
      try {
        hdfs.create(new org.apache.hadoop.fs.Path(RELEASE)).close();
      } finally {
        hdfs.close();
      }
    }
    if (shell == null) {
      return;
    }
    shell.close();
    Host leader = cluster.awaitSteady(Duration.ofSeconds(60));
    Set<String> roles = Set.of(STREAM.role(), ETL.role(), ADHOC.role());
    cluster.tearDown(leader, cluster.frameworks(leader, f -> roles.contains(f.path("role").asText())),
        Duration.ofSeconds(60));
    for (Guarantee g : GUARANTEES) {
      Http.Answer a = Http.delete(MultiHostCluster.httpUrl(leader) + "api/v1/quota/" + g.role());
      assertThat(a.status()).as("DELETE quota %s: %s", g.role(), a.body()).isIn(200, 404);
    }
  }

  private static String describe() {
    if (shared == null) {
      return "(no cluster)";
    }
    String roles = watch == null ? "" : "roles: " + watch.latest().map(RoleWatch.Sample::roles).orElse(Map.of()) + "\n";
    return shared.describe() + (shell == null ? "" : shell.describe()) + roles;
  }
}
