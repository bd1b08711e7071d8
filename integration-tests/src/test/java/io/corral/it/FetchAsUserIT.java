package io.corral.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.corral.bridges.testkit.RecordingScheduler;
import io.corral.common.resources.Resources;
import io.corral.common.task.TaskStates;
import io.corral.common.testing.Capabilities;
import io.corral.local.LocalCluster;
import io.corral.protocol.CommandInfo;
import io.corral.protocol.CommandURI;
import io.corral.protocol.ExecutorInfo;
import io.corral.protocol.FrameworkInfo;
import io.corral.protocol.Offer;
import io.corral.protocol.TaskState;
import io.corral.protocol.TaskStatus;
import io.corral.protocol.TaskStatusReason;
import io.corral.scheduler.CorralSchedulerDriver;
import io.corral.scheduler.TaskInfos;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

/**
 * A root agent fetches a task's {@code file://} URIs and plain paths with the permissions of the
 * user the task runs as: a file only root can read (0600 in a 0700 directory, as the agent's TLS
 * keys or its secrets directory) fails a task of {@code corral-a} with {@code REASON_FETCH_FAILED},
 * even when root's own task has it in the agent's cache; a custom executor of {@code corral-a}
 * cannot have it either, and a file {@code corral-a} can read is fetched as usual. Skipped, with
 * the reason printed, unless the tests run as root.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class FetchAsUserIT {
  private static final Resources TASK = Resources.parse("cpus:0.1;mem:32");
  private static final Duration WAIT = Duration.ofSeconds(90);

  @Test
  void aTaskGetsOnlyTheLocalFilesItsUserCanRead(TestInfo info) throws Exception {
    Capabilities.requireRoot("FetchAsUserIT", "only a root agent reads files as other users");
    RunAsUserIT.ensureUser("corral-a");
    long began = System.nanoTime();
    Path dir = TestClusters.dir(info);
    Path secrets = Files.createDirectories(dir.resolve("secrets"));
    Path key = Files.writeString(secrets.resolve("agent-key.pem"), "-----BEGIN PRIVATE KEY-----\n");
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
    Files.setPosixFilePermissions(secrets, PosixFilePermissions.fromString("rwx------"));
    Path shared = Files.createDirectories(dir.resolve("shared"));
    Path conf = Files.writeString(shared.resolve("app.conf"), "setting=1\n");
    Files.setPosixFilePermissions(conf, PosixFilePermissions.fromString("rw-r--r--"));

    try (LocalCluster cluster = TestClusters.inProcess(dir, 1, "cpus:2;mem:2048").start()) {
      // One framework of corral-a (one command executor to start); its first task is root's own.
      RecordingScheduler a = new RecordingScheduler();
      CorralSchedulerDriver driver = new CorralSchedulerDriver(a,
          FrameworkInfo.newBuilder().setName("a's").setUser("corral-a").build(), cluster.masterAddress().toString());
      driver.start();
      try {
        // Root's task reads the key (the agent reads it as root, for root) and leaves it in the cache.
        Offer first = a.nextOffer();
        driver.launchTasks(List.of(first.getId()), List.of(TaskInfos.command("root-reads", first, TASK,
            command("id -un; test -s agent-key.pem", cached(key.toString())).toBuilder().setUser("root").build())));
        assertThat(terminal(a, "root-reads").getState()).isEqualTo(TaskState.TASK_FINISHED);
        assertThat(Files.readString(taskDir(dir, "root-reads").resolve("stdout"))).isEqualTo("root\n");

        // corral-a: the key (cached by root, or not, as a URI or a path, for a task or an executor)
        // fails; a file corral-a can read is fetched.
        Offer offer = a.nextOffer();
        ExecutorInfo executor = TaskInfos.executor("keyed", "exec sleep 600", Resources.parse("cpus:0.1;mem:64"));
        executor = executor.toBuilder().setCommand(executor.getCommand().toBuilder().addUris(uri(key.toString())))
            .build();
        driver.launchTasks(List.of(offer.getId()), List.of(
            TaskInfos.command("cached-key", offer, TASK, command("cat agent-key.pem", cached(key.toString()))),
            TaskInfos.command("key-uri", offer, TASK, command("cat agent-key.pem", uri(key.toUri().toString()))),
            TaskInfos.command("conf", offer, TASK, command("id -un; cat app.conf", uri(conf.toString()))),
            TaskInfos.forExecutor("via-executor", offer, TASK, executor, new byte[0])));

        for (String task : List.of("cached-key", "key-uri", "via-executor")) {
          TaskStatus status = terminal(a, task);
          String value = task.equals("key-uri") ? key.toUri().toString() : key.toString();
          assertThat(status.getState()).as(task).isEqualTo(TaskState.TASK_FAILED);
          assertThat(status.getReason()).as(task).isEqualTo(TaskStatusReason.REASON_FETCH_FAILED);
          assertThat(status.getMessage()).as(task).isEqualTo("fetch failed: " + value + ": cannot read " + key
              + " as user corral-a: permission denied");
        }
        assertThat(terminal(a, "conf").getState()).isEqualTo(TaskState.TASK_FINISHED);
        assertThat(Files.readString(taskDir(dir, "conf").resolve("stdout"))).isEqualTo("corral-a\nsetting=1\n");
        for (String task : List.of("cached-key", "key-uri")) {
          assertThat(taskDir(dir, task).resolve("agent-key.pem")).as(task).doesNotExist();
          assertThat(Files.readString(taskDir(dir, task).resolve("stderr")))
              .contains("cannot read " + key + " as user corral-a: permission denied");
        }
      } finally {
        driver.stop();
        driver.join();
      }
    }
    System.out.printf("FetchAsUserIT: done in %.1f s%n", (System.nanoTime() - began) / 1e9);
  }

  private static CommandInfo command(String shell, CommandURI uri) {
    return TaskInfos.shell(shell).toBuilder().addUris(uri).build();
  }

  private static CommandURI uri(String value) {
    return CommandURI.newBuilder().setValue(value).build();
  }

  private static CommandURI cached(String value) {
    return CommandURI.newBuilder().setValue(value).setCache(true).build();
  }

  /** The task's first terminal status, awaited. */
  private static TaskStatus terminal(RecordingScheduler s, String taskId) {
    return await().atMost(WAIT).until(() -> s.statuses.stream()
        .filter(st -> st.getTaskId().equals(taskId) && TaskStates.isTerminal(st.getState())).findFirst().orElse(null),
        java.util.Objects::nonNull);
  }

  /** The sandbox of the command task {@code taskId} ({@code .../runs/<run>/tasks/<task-id>}). */
  private static Path taskDir(Path dir, String taskId) throws Exception {
    try (Stream<Path> paths = Files.walk(dir)) {
      return paths.filter(p -> p.getFileName().toString().equals(taskId)
          && p.getParent().getFileName().toString().equals("tasks")).findFirst().orElseThrow();
    }
  }
}
