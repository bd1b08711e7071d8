package io.corral.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.corral.bridges.testkit.Http;
import io.corral.bridges.testkit.RecordingScheduler;
import io.corral.common.resources.Resources;
import io.corral.common.task.PathNames;
import io.corral.common.testing.Capabilities;
import io.corral.common.user.UserAccount;
import io.corral.protocol.EnvironmentVariable;
import io.corral.protocol.ExecutorInfo;
import io.corral.protocol.FrameworkInfo;
import io.corral.protocol.Offer;
import io.corral.scheduler.CorralSchedulerDriver;
import io.corral.scheduler.TaskInfos;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

/**
 * A root agent (separate {@code corral master} and {@code corral agent} processes) runs each
 * framework's tasks as its user, in sandboxes other users cannot read, and hands a secret to the
 * task's process only: it is in no log, state page or checkpoint. Fetched files are the user's too,
 * and a custom executor runs as its user as command tasks do. Skipped, with the reason printed,
 * unless the tests run as root; the users {@code corral-a} and {@code corral-b} are made if missing.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class RunAsUserIT {
  private static final Duration START = Duration.ofSeconds(60);
  private static final List<String> USERS = List.of("corral-a", "corral-b");

  @Test
  void tasksRunAsTheirUsersInPrivateSandboxesAndSecretsReachOnlyTheirProcess(TestInfo info) throws Exception {
    Capabilities.requireRoot("RunAsUserIT", "only a root agent runs tasks as other users");
    for (String user : USERS) {
      ensureUser(user);
    }
    long began = System.nanoTime();
    Path dir = TestClusters.dir(info);
    String secret = "corral-secret-" + UUID.randomUUID();
    Path secrets = Files.createDirectories(dir.resolve("secrets"));
    Files.writeString(secrets.resolve("db-password"), secret + "\n");
    Files.setPosixFilePermissions(secrets.resolve("db-password"), PosixFilePermissions.fromString("rw-------"));
    Files.setPosixFilePermissions(secrets, PosixFilePermissions.fromString("rwx------"));
    Path agentWork = dir.resolve("agent");
    Path fetched = Files.writeString(dir.resolve("data.txt"), "fetched");
    List<Path> secretHolders = new java.util.ArrayList<>();

    try (CorralProcess master = CorralProcess.start(dir.resolve("master.log"), "master", "--host", "127.0.0.1", "--port", "0",
        "--work-dir", dir.resolve("master").toString())) {
      String address = master.awaitLine("master: (127\\.0\\.0\\.1:\\d+)", START).group(1);
      String masterHttp = master.awaitLine("http: (\\S+)", START).group(1);
      try (CorralProcess agent = CorralProcess.start(dir.resolve("agent.log"), "agent", "--master", address,
          "--host", "127.0.0.1", "--port", "0", "--work-dir", agentWork.toString(), "--resources", "cpus:2;mem:2048",
          "--secrets-dir", secrets.toString(), "--shutdown-executors-on-exit")) {
        agent.awaitLine("agent: (\\S+) registered with (\\S+)", START);

        // Framework A's task runs as corral-a, with the secret in its environment.
        String frameworkA;
        try (CorralProcess a = CorralProcess.start(dir.resolve("a.log"), "example", "shell", "--master", address,
            "--user", "corral-a", "--secret-env", "DB_PASSWORD=db-password", "--uri", fetched.toString(),
            "--tasks", "1", "-v", "--",
            "id -un; echo \"db=$DB_PASSWORD\"; echo private > notes.txt")) {
          frameworkA = a.awaitLine("framework: (\\S+) registered", START).group(1);
          assertThat(a.awaitExit(START)).as("%s", a.stdout()).isZero();
        }
        Path sandboxA = taskSandbox(agentWork, frameworkA);
        assertThat(Files.readString(sandboxA.resolve("stdout"))).isEqualTo("corral-a\ndb=" + secret + "\n");
        UserAccount a = UserAccount.lookup("corral-a").orElseThrow();
        assertThat((int) Files.getAttribute(sandboxA, "unix:uid", LinkOption.NOFOLLOW_LINKS)).isEqualTo((int) a.uid());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(sandboxA))).isEqualTo("rwx------");
        for (String file : List.of("notes.txt", "data.txt", "stdout", "stderr")) { // data.txt: fetched by the agent
          assertThat((int) Files.getAttribute(sandboxA.resolve(file), "unix:uid")).as(file).isEqualTo((int) a.uid());
        }

        // Framework B's task, as corral-b, cannot read A's sandbox; a user the host lacks fails its task.
        try (CorralProcess b = CorralProcess.start(dir.resolve("b.log"), "example", "shell", "--master", address,
            "--user", "corral-b", "--tasks", "1", "--", "id -un >&2; cat " + sandboxA.resolve("notes.txt"));
            CorralProcess ghost = CorralProcess.start(dir.resolve("ghost.log"), "example", "shell", "--master",
                address, "--user", "corral-no-such-user", "--tasks", "1", "--", "true")) {
          assertThat(b.awaitExit(START)).isEqualTo(1);
          assertThat(failure(b)).contains("task-0 FAILED command exited with status 1").contains("corral-b")
              .contains("notes.txt: Permission denied");
          assertThat(ghost.awaitExit(START)).isEqualTo(1);
          assertThat(failure(ghost)).contains("task-0 FAILED failed to start the command: "
              + "user 'corral-no-such-user' does not exist on this agent");
        }

        // A custom executor runs as its framework's user, in a sandbox of that user's; with its secret.
        RecordingScheduler s = new RecordingScheduler();
        CorralSchedulerDriver driver = new CorralSchedulerDriver(s, FrameworkInfo.newBuilder().setName("custom")
            .setUser("corral-b").build(), address);
        driver.start();
        try {
          Offer offer = s.nextOffer();
          Resources small = Resources.parse("cpus:0.1;mem:32");
          ExecutorInfo executor = TaskInfos.executor("e1", "id -un > whoami; echo \"db=$DB_PASSWORD\"; exec sleep 600",
              small);
          executor = executor.toBuilder().setCommand(executor.getCommand().toBuilder().addEnvironment(
              EnvironmentVariable.newBuilder().setName("DB_PASSWORD").setSecretFile("db-password"))).build();
          driver.launchTasks(List.of(offer.getId()), List.of(TaskInfos.forExecutor("t1", offer, small, executor,
              new byte[0])));
          Path runs = agentWork.resolve("frameworks").resolve(PathNames.of(s.frameworkId())).resolve("executors/e1/runs");
          Path run = await().atMost(START).until(() -> {
            Path r = onlyRun(runs);
            return r != null && Files.exists(r.resolve("whoami")) && Files.size(r.resolve("whoami")) > 0 ? r : null;
          }, java.util.Objects::nonNull);
          UserAccount b = UserAccount.lookup("corral-b").orElseThrow();
          assertThat(Files.readString(run.resolve("whoami"))).isEqualTo("corral-b\n");
          assertThat(Files.readString(run.resolve("stdout"))).isEqualTo("db=" + secret + "\n");
          assertThat((int) Files.getAttribute(run, "unix:uid")).isEqualTo((int) b.uid());
          assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(run))).isEqualTo("rwx------");
          secretHolders.add(run.resolve("stdout"));
        } finally {
          driver.stop();
          driver.join();
        }

        // The secret is in the tasks' stdout only: no log, state or checkpoint has it.
        String agentHttp = Http.json(masterHttp + "api/v1/agents").get(0).get("http_url").asText();
        JsonNode agentState = Http.json(agentHttp + "api/v1/state");
        assertThat(agentState.toString()).doesNotContain(secret);
        assertThat(Http.get(masterHttp + "api/v1/state").body()).doesNotContain(secret);
        assertThat(Http.get(masterHttp + "api/v1/tasks").body()).contains("task-0").doesNotContain(secret);
        secretHolders.add(sandboxA.resolve("stdout"));
        secretHolders.add(secrets.resolve("db-password"));
        assertThat(filesHolding(secret, dir)).containsExactlyInAnyOrderElementsOf(secretHolders);
      }
    }
    System.out.printf("RunAsUserIT: done in %.1f s%n", (System.nanoTime() - began) / 1e9);
  }

  /** Creates a system user without a home unless the host has it (as .ci/run does). */
  static void ensureUser(String user) throws IOException, InterruptedException {
    if (UserAccount.lookup(user).isPresent()) {
      return;
    }
    Process p = new ProcessBuilder("useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", user)
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    // 9: made meanwhile by another run
    assertThat(p.waitFor()).as("useradd %s: %s", user, out).isIn(0, 9);
  }

  /** The command task's sandbox of framework {@code frameworkId}'s only task. */
  private static Path taskSandbox(Path agentWork, String frameworkId) throws IOException {
    Path runs = agentWork.resolve("frameworks").resolve(PathNames.of(frameworkId))
        .resolve("executors").resolve(PathNames.of("corral:command")).resolve("runs");
    try (Stream<Path> tasks = Files.walk(runs, 3)) {
      return tasks.filter(p -> p.getParent().getFileName().toString().equals("tasks")).findFirst().orElseThrow();
    }
  }

  /** The one run directory of an executor, or null while there is none. */
  private static Path onlyRun(Path runs) throws IOException {
    if (!Files.isDirectory(runs)) {
      return null;
    }
    try (Stream<Path> all = Files.list(runs)) {
      return all.findFirst().orElse(null);
    }
  }

  private static String failure(CorralProcess run) {
    return run.stdout().stream().filter(l -> l.startsWith("failed: ")).findFirst()
        .orElseThrow(() -> new AssertionError("no 'failed:' line: " + run.stdout()));
  }

  /** Every file under {@code dir} (logs, sandboxes, checkpoints, the secrets) whose bytes hold {@code s}. */
  private static List<Path> filesHolding(String s, Path dir) throws IOException {
    byte[] needle = s.getBytes(StandardCharsets.UTF_8);
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).filter(p -> {
        try {
          return new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1)
              .contains(new String(needle, StandardCharsets.ISO_8859_1));
        } catch (IOException e) {
          return false;
        }
      }).sorted().toList();
    }
  }
}
