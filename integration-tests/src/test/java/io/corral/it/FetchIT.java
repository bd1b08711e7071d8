package io.corral.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.corral.bridges.testkit.Http;
import io.corral.bridges.testkit.RecordingScheduler;
import io.corral.common.resources.Resources;
import io.corral.local.LocalCluster;
import io.corral.protocol.CommandInfo;
import io.corral.protocol.CommandURI;
import io.corral.protocol.ExecutorInfo;
import io.corral.protocol.FrameworkInfo;
import io.corral.protocol.Offer;
import io.corral.protocol.TaskInfo;
import io.corral.protocol.TaskState;
import io.corral.protocol.TaskStatus;
import io.corral.protocol.TaskStatusReason;
import io.corral.scheduler.CorralSchedulerDriver;
import io.corral.scheduler.TaskInfos;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

/** Tasks and executors run from files fetched at launch: HDFS, HTTP and local paths. */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class FetchIT {
  private static final Resources TASK = Resources.parse("cpus:0.1;mem:32");
  private static MiniHdfs hdfs;

  @BeforeAll
  static void startHdfs() throws Exception {
    Path dir = Path.of(System.getProperty("corral.test.tmp", "target/it-tmp")).toAbsolutePath().resolve("minidfs");
    hdfs = MiniHdfs.start(dir);
  }

  @AfterAll
  static void stopHdfs() {
    if (hdfs != null) {
      hdfs.close();
    }
  }

  private static LocalCluster cluster(Path dir) throws Exception {
    return TestClusters.inProcess(dir, 1, "cpus:2;mem:2048")
        .agentConfig(a -> a.hdfsClasspath(MiniHdfs.helperClasspath())
            .statusUpdateRetry(Duration.ofMillis(500), Duration.ofSeconds(5)))
        .start();
  }

  private static CommandURI uri(String value, boolean cache) {
    return CommandURI.newBuilder().setValue(value).setCache(cache).build();
  }

  private static Path bundle(Path dir) throws Exception {
    Path bundle = dir.resolve("my-executor");
    Files.createDirectories(bundle.resolve("bin"));
    Files.createDirectories(bundle.resolve("lib"));
    Files.writeString(bundle.resolve("lib/message.txt"), "bundle ran\n");
    Path run = bundle.resolve("bin/run.sh");
    Files.writeString(run, "#!/bin/sh\ncat \"$(dirname \"$0\")/../lib/message.txt\"\n");
    Files.setPosixFilePermissions(run, PosixFilePermissions.fromString("rwxr-xr-x"));
    return bundle;
  }

  @Test
  void aBundlePushedToHdfsIsFetchedExtractedRunAndThenServedFromTheCache(TestInfo info) throws Exception {
    Path dir = TestClusters.dir(info);
    String target = hdfs.uri("/frameworks/my-executor.tar.gz").toString();
    try (CorralProcess push = CorralProcess.start(dir.resolve("push.log"), "bundle", "push",
        bundle(dir).toString(), target)) {
      assertThat(push.awaitExit(Duration.ofSeconds(90))).isZero();
      assertThat(push.stdout()).containsExactly("pushed: " + target);
    }
    try (LocalCluster cluster = cluster(dir)) {
      RecordingScheduler s = new RecordingScheduler();
      CorralSchedulerDriver driver = new CorralSchedulerDriver(s, FrameworkInfo.newBuilder().setName("bundled").build(),
          cluster.masterAddress().toString());
      driver.start();
      CommandInfo command = CommandInfo.newBuilder().setValue("./bin/run.sh").addUris(uri(target, true)).build();

      Offer first = s.nextOffer();
      driver.launchTasks(List.of(first.getId()), List.of(TaskInfos.command("first", first, TASK, command)));
      s.awaitState("first", TaskState.TASK_FINISHED, Duration.ofSeconds(90));

      Offer second = s.nextOffer();
      driver.launchTasks(List.of(second.getId()), List.of(TaskInfos.command("second", second, TASK, command)));
      s.awaitState("second", TaskState.TASK_FINISHED, Duration.ofSeconds(90));

      Path firstDir = taskDir(dir, "first");
      Path secondDir = taskDir(dir, "second");
      assertThat(Files.readString(firstDir.resolve("stdout"))).isEqualTo("bundle ran\n");
      assertThat(Files.readString(secondDir.resolve("stdout"))).isEqualTo("bundle ran\n");
      assertThat(Files.readString(firstDir.resolve("stderr"))).contains("fetching " + target).contains("downloaded");
      // The second fetch is served from the cache, as the fetcher reports it for this task. (Not the
      // namenode's GetBlockLocations count: it is global to the shared MiniDFSCluster and flaky.)
      assertThat(Files.readString(secondDir.resolve("stderr"))).contains("cache hit").doesNotContain("downloaded");
      // ...and the agent's metrics count it (one agent: both fetches were its own)
      int agentHttpPort = cluster.query(v -> v.agentEntries().iterator().next().info().getHttpPort());
      assertThat(agentHttpPort).isPositive();
      String agentHttp = "http://127.0.0.1:" + agentHttpPort + "/";
      assertThat(Http.get(agentHttp + "metrics").body()).contains("corral_agent_fetches_total 2.0",
          "corral_agent_fetch_cache_hits_total 1.0", "corral_agent_fetch_failures_total 0.0");
      driver.stop();
      driver.join();
    }
  }

  @Test
  void aMissingHdfsFileFailsTheTaskWithAClearMessage(TestInfo info) throws Exception {
    Path dir = TestClusters.dir(info);
    try (LocalCluster cluster = cluster(dir)) {
      RecordingScheduler s = new RecordingScheduler();
      CorralSchedulerDriver driver = new CorralSchedulerDriver(s, FrameworkInfo.newBuilder().setName("missing").build(),
          cluster.masterAddress().toString());
      driver.start();
      String missing = hdfs.uri("/no/such/bundle.tar.gz").toString();
      Offer offer = s.nextOffer();
      driver.launchTasks(List.of(offer.getId()), List.of(TaskInfos.command("lost", offer, TASK,
          CommandInfo.newBuilder().setValue("true").addUris(uri(missing, false)).build())));
      TaskStatus failed = s.awaitState("lost", TaskState.TASK_FAILED, Duration.ofSeconds(90));
      assertThat(failed.getReason()).isEqualTo(TaskStatusReason.REASON_FETCH_FAILED);
      assertThat(failed.getMessage()).startsWith("fetch failed: " + missing).contains("no such file");
      // The agent carries on.
      Offer next = s.nextOffer();
      driver.launchTasks(List.of(next.getId()), List.of(TaskInfos.command("fine", next, TASK, TaskInfos.shell("true"))));
      s.awaitState("fine", TaskState.TASK_FINISHED);
      driver.stop();
      driver.join();
    }
  }

  @Test
  void httpArchivesPlainFilesAndExecutorBundlesFromLocalPaths(TestInfo info) throws Exception {
    Path dir = TestClusters.dir(info);
    AtomicInteger downloads = new AtomicInteger();
    HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    byte[] zip = zip("tool/greet.sh", "#!/bin/sh\necho hello from zip\n");
    http.createContext("/tools.zip", ex -> {
      downloads.incrementAndGet();
      ex.sendResponseHeaders(200, zip.length);
      ex.getResponseBody().write(zip);
      ex.close();
    });
    http.createContext("/raw", ex -> {
      byte[] body = "#!/bin/sh\necho raw script\n".getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(200, body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    http.start();
    String base = "http://127.0.0.1:" + http.getAddress().getPort();
    Path conf = dir.resolve("executor.conf");
    Files.writeString(conf, "configured\n");
    try (LocalCluster cluster = cluster(dir)) {
      RecordingScheduler s = new RecordingScheduler();
      CorralSchedulerDriver driver = new CorralSchedulerDriver(s, FrameworkInfo.newBuilder().setName("mixed").build(),
          cluster.masterAddress().toString());
      driver.start();
      CommandInfo command = CommandInfo.newBuilder()
          .setValue("sh tool/greet.sh && ./renamed.sh && cat executor.conf")
          .addUris(uri(base + "/tools.zip", true))
          .addUris(CommandURI.newBuilder().setValue(base + "/raw").setExecutable(true).setOutputFile("renamed.sh"))
          .addUris(uri(conf.toString(), false)) // a plain absolute path
          .build();
      Offer offer = s.nextOffer();
      driver.launchTasks(List.of(offer.getId()), List.of(TaskInfos.command("mixed", offer, TASK, command)));
      s.awaitState("mixed", TaskState.TASK_FINISHED, Duration.ofSeconds(60));
      assertThat(Files.readString(taskDir(dir, "mixed").resolve("stdout")))
          .isEqualTo("hello from zip\nraw script\nconfigured\n");
      assertThat(downloads).hasValue(1);

      // A custom executor whose file comes by file:// into the executor's own sandbox.
      ExecutorInfo executor = ExecutorInfo.newBuilder().setExecutorId("echo")
          .setCommand(CommandInfo.newBuilder().setValue("test -f executor.conf && " + EchoExecutor.command())
              .addUris(uri(conf.toUri().toString(), false)))
          .addAllResources(Resources.parse("cpus:0.1;mem:64").toProto()).build();
      Offer next = s.nextOffer(o -> fits(o, "cpus:0.2;mem:96")); // the task and its executor
      driver.launchTasks(List.of(next.getId()),
          List.of(TaskInfos.forExecutor("via-executor", next, TASK, executor, "finish".getBytes(StandardCharsets.UTF_8))));
      s.awaitState("via-executor", TaskState.TASK_FINISHED, Duration.ofSeconds(60));

      // An executor whose file is missing never starts: its task fails, its resources come back.
      ExecutorInfo broken = executor.toBuilder().setExecutorId("broken").setCommand(executor.getCommand().toBuilder()
          .clearUris().addUris(uri(dir.resolve("nope.conf").toString(), false))).build();
      // Not the leftover of the task that finished while its executor still runs (cpus:0.1;mem:32).
      Offer third = s.nextOffer(o -> fits(o, "cpus:0.2;mem:96"));
      driver.launchTasks(List.of(third.getId()),
          List.of(TaskInfos.forExecutor("doomed", third, TASK, broken, new byte[0])));
      TaskStatus failed = s.awaitState("doomed", TaskState.TASK_FAILED, Duration.ofSeconds(60));
      assertThat(failed.getReason()).isEqualTo(TaskStatusReason.REASON_FETCH_FAILED);
      assertThat(failed.getMessage()).contains("nope.conf");
      await().atMost(Duration.ofSeconds(30)).until(() -> s.lostExecutors.contains("broken"));
      driver.stop();
      driver.join();
      String agent = offer.getAgentId();
      await().atMost(Duration.ofSeconds(30)).until(() ->
          cluster.query(v -> v.freeOn(agent).equals(Resources.parse("cpus:2;mem:2048"))));
    } finally {
      http.stop(0);
    }
  }

  @Test
  void theExampleFrameworkFetchesItsUris(TestInfo info) throws Exception {
    Path dir = TestClusters.dir(info);
    Path data = dir.resolve("data.txt");
    Files.writeString(data, "42\n");
    try (LocalCluster cluster = cluster(dir);
        CorralProcess run = CorralProcess.start(dir.resolve("run.log"), "example", "shell", "--master",
            cluster.masterAddress().toString(), "--tasks", "3", "--uri", data.toUri().toString(), "--",
            "grep -q 42 data.txt")) {
      assertThat(run.awaitExit(Duration.ofSeconds(90))).isZero();
      assertThat(run.stdout()).contains("finished: 3/3");
    }
  }

  private static boolean fits(Offer offer, String resources) {
    return Resources.fromProto(offer.getResourcesList()).contains(Resources.parse(resources));
  }

  private static Path taskDir(Path dir, String taskId) throws Exception {
    try (var paths = Files.walk(dir)) {
      return paths.filter(p -> p.getFileName().toString().equals(taskId) && p.getParent().getFileName().toString()
          .equals("tasks")).findFirst().orElseThrow();
    }
  }

  private static byte[] zip(String name, String content) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream z = new ZipOutputStream(out)) {
      z.putNextEntry(new ZipEntry(name));
      z.write(content.getBytes(StandardCharsets.UTF_8));
      z.closeEntry();
    }
    return out.toByteArray();
  }
}
