package io.corral.executor.command;

import static io.corral.protocol.TaskState.TASK_FAILED;
import static io.corral.protocol.TaskState.TASK_FINISHED;
import static io.corral.protocol.TaskState.TASK_KILLED;
import static io.corral.protocol.TaskState.TASK_KILLING;
import static io.corral.protocol.TaskState.TASK_RUNNING;
import static io.corral.protocol.TaskState.TASK_STARTING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.corral.common.DriverStatus;
import io.corral.common.process.ProcessTree;
import io.corral.common.task.TaskStates;
import io.corral.common.testing.Capabilities;
import io.corral.executor.ExecutorDriver;
import io.corral.protocol.CommandInfo;
import io.corral.protocol.EnvironmentVariable;
import io.corral.protocol.HealthCheck;
import io.corral.protocol.KillPolicy;
import io.corral.protocol.TaskInfo;
import io.corral.protocol.TaskState;
import io.corral.protocol.TaskStatus;
import io.corral.protocol.TaskStatusReason;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Runs real commands through the command executor, with a driver that records updates. */
@Timeout(60)
class CommandExecutorTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir Path sandbox;

  private final RecordingDriver driver = new RecordingDriver();
  private CommandExecutor executor;
  private final List<ProcessHandle> roots = new CopyOnWriteArrayList<>();

  /** Records what the executor reports; nothing else is used by the command executor. */
  private static final class RecordingDriver implements ExecutorDriver {
    final List<TaskStatus> updates = new CopyOnWriteArrayList<>();

    @Override
    public DriverStatus sendStatusUpdate(TaskStatus status) {
      updates.add(status);
      return DriverStatus.DRIVER_RUNNING;
    }

    @Override
    public DriverStatus start() {
      throw new UnsupportedOperationException();
    }

    @Override
    public DriverStatus stop() {
      throw new UnsupportedOperationException();
    }

    @Override
    public DriverStatus stopWhenAcknowledged() {
      throw new UnsupportedOperationException();
    }

    @Override
    public DriverStatus abort() {
      throw new UnsupportedOperationException();
    }

    @Override
    public DriverStatus join() {
      throw new UnsupportedOperationException();
    }

    @Override
    public DriverStatus run() {
      throw new UnsupportedOperationException();
    }

    @Override
    public DriverStatus sendFrameworkMessage(byte[] data) {
      throw new UnsupportedOperationException();
    }
  }

  @AfterEach
  void killLeftovers() {
    for (ProcessHandle root : roots) {
      ProcessTree.kill(root, Duration.ZERO);
    }
  }

  private CommandExecutor executor() {
    if (executor == null) {
      executor = new CommandExecutor(sandbox);
    }
    return executor;
  }

  private static TaskInfo task(String id, CommandInfo command) {
    return TaskInfo.newBuilder().setTaskId(id).setName(id).setCommand(command).build();
  }

  private static TaskInfo shellTask(String id, String script) {
    return task(id, CommandInfo.newBuilder().setValue(script).build());
  }

  private List<TaskStatus> updatesOf(String taskId) {
    return driver.updates.stream().filter(u -> u.getTaskId().equals(taskId)).toList();
  }

  private List<TaskState> statesOf(String taskId) {
    return updatesOf(taskId).stream().map(TaskStatus::getState).toList();
  }

  private TaskStatus awaitTerminal(String taskId) {
    await().atMost(WAIT).until(() -> statesOf(taskId).stream().anyMatch(TaskStates::isTerminal));
    List<TaskStatus> u = updatesOf(taskId);
    return u.get(u.size() - 1);
  }

  /** Waits for RUNNING and returns the task's process, as reported in the RUNNING message. */
  private ProcessHandle awaitRunning(String taskId) {
    await().atMost(WAIT).until(() -> statesOf(taskId).contains(TASK_RUNNING));
    TaskStatus running = updatesOf(taskId).stream().filter(u -> u.getState() == TASK_RUNNING).findFirst().get();
    assertThat(running.getMessage()).startsWith("pid ");
    long pid = Long.parseLong(running.getMessage().substring(4));
    ProcessHandle root = ProcessHandle.of(pid).orElseThrow();
    roots.add(root);
    return root;
  }

  private Path taskDir(String taskId) {
    return sandbox.resolve("tasks").resolve(taskId);
  }

  /** Alive and not a zombie (killed orphans wait for init to reap them). */
  private static boolean running(long pid) {
    if (!ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
      return false;
    }
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
    } catch (IOException gone) {
      return false;
    }
  }

  @Test
  void aCommandThatExitsZeroFinishes() throws Exception {
    executor().launchTask(driver, shellTask("t-ok", "echo hello; echo note >&2"));

    TaskStatus last = awaitTerminal("t-ok");

    assertThat(statesOf("t-ok")).containsExactly(TASK_STARTING, TASK_RUNNING, TASK_FINISHED);
    assertThat(last.getExitCode()).isZero();
    assertThat(last.getReason()).isEqualTo(TaskStatusReason.REASON_COMMAND_EXITED);
    assertThat(Files.readString(taskDir("t-ok").resolve("stdout"))).isEqualTo("hello\n");
    assertThat(Files.readString(taskDir("t-ok").resolve("stderr"))).isEqualTo("note\n");
  }

  @Test
  void aSecretVariableGetsItsFileAndTheSecretsDirectoryIsNotPassedOn(@TempDir Path secrets) throws Exception {
    Files.writeString(secrets.resolve("db-password"), "s3cr3t\n");
    executor = new CommandExecutor(sandbox, io.corral.common.secret.SecretFiles.in(secrets));
    CommandInfo c = CommandInfo.newBuilder().setValue("echo \"db=$DB dir=$" + io.corral.common.Env.SECRETS_DIR + "\"")
        .addEnvironment(EnvironmentVariable.newBuilder().setName("DB").setSecretFile("db-password")).build();
    executor().launchTask(driver, task("t-secret", c));

    assertThat(awaitTerminal("t-secret").getState()).isEqualTo(TASK_FINISHED);
    assertThat(Files.readString(taskDir("t-secret").resolve("stdout"))).isEqualTo("db=s3cr3t dir=\n");
  }

  @Test
  void aSecretThatCannotBeReadFailsTheLaunchNamingIt(@TempDir Path secrets) throws Exception {
    Files.createSymbolicLink(secrets.resolve("escape"), Files.writeString(sandbox.resolve("outside"), "x"));
    executor = new CommandExecutor(sandbox, io.corral.common.secret.SecretFiles.in(secrets));
    executor().launchTask(driver, task("t-missing-secret", CommandInfo.newBuilder().setValue("true")
        .addEnvironment(EnvironmentVariable.newBuilder().setName("DB").setSecretFile("nope")).build()));
    executor().launchTask(driver, task("t-escape", CommandInfo.newBuilder().setValue("true")
        .addEnvironment(EnvironmentVariable.newBuilder().setName("DB").setSecretFile("escape")).build()));

    TaskStatus missing = awaitTerminal("t-missing-secret");
    assertThat(missing.getState()).isEqualTo(TASK_FAILED);
    assertThat(missing.getReason()).isEqualTo(TaskStatusReason.REASON_LAUNCH_FAILED);
    assertThat(missing.getMessage()).isEqualTo("failed to start the command: environment variable DB: "
        + "secret_file 'nope' does not exist in the agent's secrets directory");
    assertThat(awaitTerminal("t-escape").getMessage()).contains("leads out of the agent's secrets directory");
  }

  @Test
  void asRootATaskRunsAsItsUserInASandboxOnlyThatUserReads() throws Exception {
    Capabilities.requireRoot("CommandExecutorTest", "only root switches users");
    var nobody = io.corral.common.user.UserAccount.lookup("nobody").orElseThrow();
    executor().launchTask(driver, task("t-user", CommandInfo.newBuilder().setUser("nobody")
        .setValue("id -un; echo \"$HOME $USER $LOGNAME\"").build()));
    executor().launchTask(driver, task("t-ghost", CommandInfo.newBuilder().setUser("corral-no-such-user")
        .setValue("true").build()));

    assertThat(awaitTerminal("t-user").getState()).isEqualTo(TASK_FINISHED);
    Path dir = taskDir("t-user");
    assertThat(Files.readString(dir.resolve("stdout"))).isEqualTo("nobody\n" + nobody.home() + " nobody nobody\n");
    for (Path p : List.of(dir, dir.resolve("stdout"), dir.resolve("stderr"))) {
      assertThat((int) Files.getAttribute(p, "unix:uid")).as(p.toString()).isEqualTo((int) nobody.uid());
    }
    assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)))
        .isEqualTo("rwx------");
    TaskStatus ghost = awaitTerminal("t-ghost");
    assertThat(ghost.getState()).isEqualTo(TASK_FAILED);
    assertThat(ghost.getMessage()).isEqualTo("failed to start the command: user 'corral-no-such-user' does not exist on this agent");
  }

  @Test
  void aFailingCommandReportsItsExitCodeAndTheEndOfStderr() {
    executor().launchTask(driver, shellTask("t-bad", "echo starting >&2; echo 'disk full' >&2; exit 3"));

    TaskStatus last = awaitTerminal("t-bad");

    assertThat(statesOf("t-bad")).containsExactly(TASK_STARTING, TASK_RUNNING, TASK_FAILED);
    assertThat(last.hasExitCode()).isTrue();
    assertThat(last.getExitCode()).isEqualTo(3);
    assertThat(last.getReason()).isEqualTo(TaskStatusReason.REASON_COMMAND_EXITED);
    assertThat(last.getMessage()).contains("exited with status 3").contains("disk full");
  }

  @Test
  void aCommandKilledBySignalSaysSo() {
    executor().launchTask(driver, shellTask("t-sig", "kill -9 $$"));

    TaskStatus last = awaitTerminal("t-sig");

    assertThat(last.getState()).isEqualTo(TASK_FAILED);
    assertThat(last.getExitCode()).isEqualTo(128 + 9);
    assertThat(last.getMessage()).contains("killed by signal 9");
  }

  @Test
  void aProgramThatCannotStartFailsTheLaunch() {
    CommandInfo missing = CommandInfo.newBuilder().setShell(false)
        .setValue("/nonexistent/program").addArguments("program").addArguments("--flag").build();
    CommandInfo notInPath = CommandInfo.newBuilder().setShell(false)
        .addArguments("corral-no-such-program").build();

    executor().launchTask(driver, task("t-missing", missing));
    executor().launchTask(driver, task("t-not-in-path", notInPath));

    for (String id : List.of("t-missing", "t-not-in-path")) {
      TaskStatus last = awaitTerminal(id);
      assertThat(statesOf(id)).as(id).containsExactly(TASK_STARTING, TASK_FAILED);
      assertThat(last.getReason()).as(id).isEqualTo(TaskStatusReason.REASON_LAUNCH_FAILED);
      assertThat(last.getMessage()).as(id).startsWith("failed to start the command");
    }
  }

  @Test
  void withoutShellTheArgumentsArePassedAsTheyAre() throws Exception {
    CommandInfo echo = CommandInfo.newBuilder().setShell(false)
        .addArguments("echo").addArguments("a  b").addArguments("$HOME").build();
    executor().launchTask(driver, task("t-argv", echo));

    assertThat(awaitTerminal("t-argv").getState()).isEqualTo(TASK_FINISHED);
    assertThat(Files.readString(taskDir("t-argv").resolve("stdout"))).isEqualTo("a  b $HOME\n");
  }

  @Test
  void withoutShellTheProgramsExitStatusIsTheTasks() {
    CommandInfo exit3 = CommandInfo.newBuilder().setShell(false).setValue("sh")
        .addArguments("sh").addArguments("-c").addArguments("exit 3").build();
    executor().launchTask(driver, task("t-argv-exit", exit3));

    TaskStatus last = awaitTerminal("t-argv-exit");
    assertThat(last.getState()).isEqualTo(TASK_FAILED);
    assertThat(last.getExitCode()).isEqualTo(3);
    assertThat(last.getMessage()).contains("exited with status 3");
  }

  @Test
  void asRootAnArgumentVectorRunsAsItsUserFoundInPath() throws Exception {
    Capabilities.requireRoot("CommandExecutorTest", "only root switches users");
    CommandInfo argv = CommandInfo.newBuilder().setUser("nobody").setShell(false).setValue("sh")
        .addArguments("sh").addArguments("-c").addArguments("id -un; printf '%s|' \"$@\"; pwd -P")
        .addArguments("corral-argv0").addArguments("a  b").addArguments("$HOME").build();
    executor().launchTask(driver, task("t-user-argv", argv));

    assertThat(awaitTerminal("t-user-argv").getState()).isEqualTo(TASK_FINISHED);
    Path dir = taskDir("t-user-argv");
    assertThat(Files.readString(dir.resolve("stdout")))
        .isEqualTo("nobody\na  b|$HOME|" + dir.toRealPath() + "\n");
  }

  @Test
  void theTaskRunsInItsSandboxWithItsEnvironment() throws Exception {
    CommandInfo c = CommandInfo.newBuilder()
        .setValue("echo \"$CORRAL_TASK_ID|$CORRAL_SANDBOX|$(pwd -P)|$GREETING\"")
        .addEnvironment(EnvironmentVariable.newBuilder().setName("GREETING").setValue("hi there"))
        .build();
    executor().launchTask(driver, task("t-env", c));

    assertThat(awaitTerminal("t-env").getState()).isEqualTo(TASK_FINISHED);
    Path dir = taskDir("t-env");
    assertThat(Files.readString(dir.resolve("stdout")).strip())
        .isEqualTo("t-env|" + dir + "|" + dir.toRealPath() + "|hi there");
    assertThat(dir.resolve("stderr")).exists();
  }

  @Test
  void killTaskReportsKillingThenKilledAndTheTreeIsGone() {
    executor().launchTask(driver, shellTask("t-kill", "sleep 1000 & sleep 1000 & wait"));
    ProcessHandle root = awaitRunning("t-kill");
    await().atMost(WAIT).until(() -> root.descendants().count() == 2);
    List<ProcessHandle> tree = ProcessTree.snapshot(root);

    executor().killTask(driver, "t-kill", KillPolicy.newBuilder().setGracePeriodSeconds(10).build());

    TaskStatus last = awaitTerminal("t-kill");
    assertThat(statesOf("t-kill")).containsExactly(TASK_STARTING, TASK_RUNNING, TASK_KILLING, TASK_KILLED);
    assertThat(last.getReason()).isEqualTo(TaskStatusReason.REASON_KILLED_BY_SCHEDULER);
    await().atMost(WAIT).untilAsserted(() ->
        assertThat(tree).noneMatch(p -> running(p.pid())));
  }

  @Test
  void aTaskThatIgnoresTermIsKilledAfterItsGracePeriod() {
    executor().launchTask(driver, shellTask("t-stubborn", "trap '' TERM; sleep 1000 & wait"));
    ProcessHandle root = awaitRunning("t-stubborn");
    await().atMost(WAIT).until(() -> root.descendants().count() == 1);
    List<ProcessHandle> tree = ProcessTree.snapshot(root);

    long start = System.nanoTime();
    executor().killTask(driver, "t-stubborn", KillPolicy.newBuilder().setGracePeriodSeconds(0.5).build());

    assertThat(awaitTerminal("t-stubborn").getState()).isEqualTo(TASK_KILLED);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(450));
    await().atMost(WAIT).untilAsserted(() ->
        assertThat(tree).noneMatch(p -> running(p.pid())));
  }

  @Test
  void killingAnUnknownTaskReportsNothing() {
    executor().killTask(driver, "nope", null);
    assertThat(driver.updates).isEmpty();
  }

  @Test
  void aLaunchRedeliveredWhileRunningIsIgnored() {
    TaskInfo t = shellTask("t-once", "sleep 1000");
    executor().launchTask(driver, t);
    awaitRunning("t-once");

    executor().launchTask(driver, t);
    executor().killTask(driver, "t-once", KillPolicy.newBuilder().setGracePeriodSeconds(5).build());

    awaitTerminal("t-once");
    assertThat(statesOf("t-once")).containsExactly(TASK_STARTING, TASK_RUNNING, TASK_KILLING, TASK_KILLED);
  }

  @Test
  void shutdownKillsEveryTask() {
    List<ProcessHandle> processes = new ArrayList<>();
    for (String id : List.of("t-a", "t-b", "t-c")) {
      executor().launchTask(driver, shellTask(id, "sleep 1000"));
      processes.add(awaitRunning(id));
    }

    executor().shutdown(driver);

    for (String id : List.of("t-a", "t-b", "t-c")) {
      assertThat(awaitTerminal(id).getState()).as(id).isEqualTo(TASK_KILLED);
      assertThat(statesOf(id)).as(id).containsSubsequence(TASK_KILLING, TASK_KILLED);
    }
    await().atMost(WAIT).untilAsserted(() ->
        assertThat(processes).noneMatch(p -> running(p.pid())));
  }

  @Test
  void backgroundChildrenDoNotOutliveTheirTask() throws Exception {
    executor().launchTask(driver, shellTask("t-bg", "sleep 1000 & echo $! > bg.pid; exit 0"));

    assertThat(awaitTerminal("t-bg").getState()).isEqualTo(TASK_FINISHED);
    long pid = Long.parseLong(Files.readString(taskDir("t-bg").resolve("bg.pid")).trim());
    ProcessHandle.of(pid).ifPresent(roots::add);
    await().atMost(WAIT).until(() -> !running(pid));
  }

  private static int freePort() throws IOException {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort();
    }
  }

  /** A check from the start, every 0.2 s, failures not counted for 20 s until one passes. */
  private static HealthCheck.Builder quickCheck() {
    return HealthCheck.newBuilder().setDelaySeconds(0).setIntervalSeconds(0.2).setTimeoutSeconds(5)
        .setGracePeriodSeconds(20).setConsecutiveFailures(2);
  }

  private List<TaskStatus> healthUpdatesOf(String taskId) {
    return updatesOf(taskId).stream().filter(TaskStatus::hasHealthy).toList();
  }

  @Test
  void anHttpCheckedServerIsReportedHealthyOnceAndItsKillEndsTheChecks() throws Exception {
    int port = freePort();
    TaskInfo t = shellTask("t-web", "exec python3 -m http.server " + port + " --bind 127.0.0.1").toBuilder()
        .setHealthCheck(quickCheck().setType(HealthCheck.Type.HTTP)
            .setHttp(HealthCheck.HttpCheck.newBuilder().setPort(port))).build();
    executor().launchTask(driver, t);
    awaitRunning("t-web");

    await().atMost(WAIT).until(() -> !healthUpdatesOf("t-web").isEmpty());
    TaskStatus healthy = healthUpdatesOf("t-web").get(0);
    assertThat(healthy.getState()).isEqualTo(TASK_RUNNING);
    assertThat(healthy.getHealthy()).isTrue();
    assertThat(healthy.getReason()).isEqualTo(TaskStatusReason.REASON_TASK_HEALTH_CHECK_STATUS_UPDATED);
    assertThat(healthy.getMessage()).isEqualTo("HTTP GET http://127.0.0.1:" + port + "/: 200");

    executor().killTask(driver, "t-web", KillPolicy.newBuilder().setGracePeriodSeconds(5).build());
    TaskStatus last = awaitTerminal("t-web");

    assertThat(last.getState()).isEqualTo(TASK_KILLED);
    assertThat(last.getReason()).isEqualTo(TaskStatusReason.REASON_KILLED_BY_SCHEDULER);
    assertThat(statesOf("t-web")).as("one health update: health did not change; none after the kill")
        .containsExactly(TASK_STARTING, TASK_RUNNING, TASK_RUNNING, TASK_KILLING, TASK_KILLED);
  }

  @Test
  void aTaskFailingItsCommandCheckIsKilledAndEndsKilledAsUnhealthy() throws Exception {
    TaskInfo t = task("t-sick", CommandInfo.newBuilder().setValue("touch ready; exec sleep 1000")
        .addEnvironment(EnvironmentVariable.newBuilder().setName("GREETING").setValue("hi")).build()).toBuilder()
        .setKillPolicy(KillPolicy.newBuilder().setGracePeriodSeconds(0.5))
        .setHealthCheck(quickCheck().setType(HealthCheck.Type.COMMAND)
            .setCommand(CommandInfo.newBuilder().setValue("test -e ready && test \"$GREETING\" = hi"))).build();
    executor().launchTask(driver, t);
    ProcessHandle root = awaitRunning("t-sick");
    await().atMost(WAIT).until(() -> !healthUpdatesOf("t-sick").isEmpty());
    assertThat(healthUpdatesOf("t-sick").get(0).getHealthy()).as("the check runs in the sandbox with the task's "
        + "environment").isTrue();

    Files.delete(taskDir("t-sick").resolve("ready"));
    TaskStatus last = awaitTerminal("t-sick");

    assertThat(last.getState()).isEqualTo(TASK_KILLED);
    assertThat(last.getReason()).isEqualTo(TaskStatusReason.REASON_TASK_UNHEALTHY);
    assertThat(last.hasHealthy()).isTrue();
    assertThat(last.getHealthy()).isFalse();
    assertThat(last.getMessage()).isEqualTo("killed after 2 consecutive failed health checks: command exited 1");
    assertThat(healthUpdatesOf("t-sick")).extracting(TaskStatus::getState, TaskStatus::getHealthy).containsExactly(
        org.assertj.core.groups.Tuple.tuple(TASK_RUNNING, true), org.assertj.core.groups.Tuple.tuple(TASK_RUNNING, false),
        org.assertj.core.groups.Tuple.tuple(TASK_KILLING, false), org.assertj.core.groups.Tuple.tuple(TASK_KILLED, false));
    assertThat(updatesOf("t-sick").get(updatesOf("t-sick").size() - 2).getReason())
        .isEqualTo(TaskStatusReason.REASON_TASK_UNHEALTHY);
    await().atMost(WAIT).until(() -> !running(root.pid()));
  }

  @Test
  void theDefaultGraceIsThreeSeconds() {
    assertThat(CommandExecutor.grace(null)).isEqualTo(Duration.ofSeconds(3));
    assertThat(CommandExecutor.grace(KillPolicy.getDefaultInstance())).isEqualTo(Duration.ofSeconds(3));
    assertThat(CommandExecutor.grace(KillPolicy.newBuilder().setGracePeriodSeconds(0.25).build()))
        .isEqualTo(Duration.ofMillis(250));
  }
}
