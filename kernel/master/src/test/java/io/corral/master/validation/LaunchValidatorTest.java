package io.corral.master.validation;

import static org.assertj.core.api.Assertions.assertThat;

import io.corral.common.resources.Resources;
import io.corral.protocol.CommandInfo;
import io.corral.protocol.EnvironmentVariable;
import io.corral.protocol.ExecutorInfo;
import io.corral.protocol.KillPolicy;
import io.corral.protocol.Resource;
import io.corral.protocol.TaskInfo;
import io.corral.protocol.TaskState;
import io.corral.protocol.TaskStatusReason;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LaunchValidatorTest {
  private static final String FW = "fw-1";
  private static final String AGENT = "agent-1";
  private static final String OFFER = "cpus:4;mem:4096;ports:[31000-31009]";

  private static CommandInfo command(String value) {
    return CommandInfo.newBuilder().setValue(value).build();
  }

  private static TaskInfo.Builder task(String id, String resources) {
    return TaskInfo.newBuilder()
        .setTaskId(id)
        .setName("task " + id)
        .setCommand(command("echo hi"))
        .addAllResources(Resources.parse(resources).toProto());
  }

  private static ExecutorInfo.Builder executor(String id, String resources) {
    return ExecutorInfo.newBuilder()
        .setExecutorId(id)
        .setCommand(command("./my-executor"))
        .addAllResources(Resources.parse(resources).toProto());
  }

  private static TaskInfo.Builder executorTask(String id, String resources, ExecutorInfo.Builder executor) {
    return task(id, resources).clearCommand().setExecutor(executor);
  }

  private static LaunchPlan validate(String offered, TaskInfo.Builder... tasks) {
    return validate(offered, id -> false, Map.of(), tasks);
  }

  private static LaunchPlan validate(String offered, Predicate<String> inUse,
      Map<String, ExecutorInfo> running, TaskInfo.Builder... tasks) {
    List<TaskInfo> list = new ArrayList<>();
    for (TaskInfo.Builder t : tasks) {
      list.add(t.build());
    }
    LaunchPlan plan = LaunchValidator.validate(FW, AGENT, Resources.parse(offered), list, inUse, running);
    assertThat(plan.accepted().size() + plan.rejected().size()).isEqualTo(list.size());
    Resources sum = Resources.EMPTY;
    for (LaunchPlan.Accepted a : plan.accepted()) {
      sum = sum.plus(a.resources().all()).plus(a.newExecutor().all());
    }
    assertThat(plan.used().all()).as("used is the sum of what the accepted tasks take").isEqualTo(sum);
    return plan;
  }

  private static List<String> acceptedIds(LaunchPlan plan) {
    return plan.accepted().stream().map(a -> a.task().getTaskId()).toList();
  }

  /** Asserts the only task was refused as invalid, and returns why. */
  private static String onlyRejection(LaunchPlan plan) {
    assertThat(plan.accepted()).isEmpty();
    assertThat(plan.used().all()).isEqualTo(Resources.EMPTY);
    assertThat(plan.rejected()).hasSize(1);
    return rejection(plan, 0);
  }

  private static String rejection(LaunchPlan plan, int i) {
    LaunchPlan.Rejected r = plan.rejected().get(i);
    assertThat(r.state()).isEqualTo(TaskState.TASK_ERROR);
    assertThat(r.reason()).isEqualTo(TaskStatusReason.REASON_TASK_INVALID);
    return r.message();
  }

  @Test
  void aTaskWithItsNewExecutorBeyondTheLargestAgentIsRefusedSayingWhatTheLargestAgentHas() {
    Resources largest = Resources.parse("cpus:4;mem:4096");
    TaskInfo fits = executorTask("fits", "cpus:1;mem:3000", executor("ex", "mem:1000")).build();
    TaskInfo tooBig = executorTask("too-big", "cpus:1;mem:4000", executor("ex2", "mem:192")).build();
    LaunchPlan plan = LaunchValidator.validate(FW, AGENT, io.corral.common.resources.PooledResources.of(Resources.parse("cpus:2;mem:2048")), List.of(fits, tooBig),
        id -> false, Map.of(), user -> null, largest);
    assertThat(plan.accepted()).isEmpty();
    assertThat(plan.rejected().get(0).reason()).as("fits the largest agent, not this offer")
        .isEqualTo(TaskStatusReason.REASON_TASK_INVALID);
    LaunchPlan.Rejected r = plan.rejected().get(1);
    assertThat(r.state()).isEqualTo(TaskState.TASK_ERROR);
    assertThat(r.reason()).isEqualTo(TaskStatusReason.REASON_EXCEEDS_LARGEST_AGENT);
    assertThat(r.message()).isEqualTo("no agent of the cluster can ever run this task: it needs cpus:1;mem:4192"
        + " (with its executor's mem:192) and the largest agent has cpus:4;mem:4096");
    // Unknown (no agent yet): only the offer counts.
    assertThat(LaunchValidator.validate(FW, AGENT, io.corral.common.resources.PooledResources.of(Resources.parse("cpus:2;mem:2048")), List.of(tooBig),
        id -> false, Map.of(), user -> null, Resources.EMPTY).rejected().get(0).reason())
        .isEqualTo(TaskStatusReason.REASON_TASK_INVALID);
  }

  @Test
  void aValidCommandTaskIsAcceptedWithItsAgentFilledIn() {
    LaunchPlan plan = validate(OFFER, task("t1", "cpus:1;mem:128;ports:[31000-31001]"));

    assertThat(plan.rejected()).isEmpty();
    LaunchPlan.Accepted a = plan.accepted().get(0);
    assertThat(a.task().getAgentId()).isEqualTo(AGENT);
    assertThat(a.task().getCommand().getValue()).isEqualTo("echo hi");
    assertThat(a.resources().all()).isEqualTo(Resources.parse("cpus:1;mem:128;ports:[31000-31001]"));
    assertThat(a.newExecutor().all()).isEqualTo(Resources.EMPTY);
    assertThat(plan.used().all()).isEqualTo(Resources.parse("cpus:1;mem:128;ports:[31000-31001]"));
  }

  @Test
  void theRightAgentIdMayBeGivenButAnotherIsRefused() {
    assertThat(validate(OFFER, task("t1", "cpus:1").setAgentId(AGENT)).accepted()).hasSize(1);
    assertThat(onlyRejection(validate(OFFER, task("t1", "cpus:1").setAgentId("agent-2"))))
        .contains("names agent agent-2").contains(AGENT);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", ".", "..", "a/b", "a\\b", "a b", "tab\there", "nul\0", "new\nline"})
  void invalidTaskIdsAreRefused(String id) {
    assertThat(onlyRejection(validate(OFFER, task(id, "cpus:1")))).startsWith("task id");
  }

  @Test
  void aTaskIdLongerThanTheLimitIsRefused() {
    assertThat(validate(OFFER, task("x".repeat(Ids.MAX_LENGTH), "cpus:1")).accepted()).hasSize(1);
    assertThat(onlyRejection(validate(OFFER, task("x".repeat(Ids.MAX_LENGTH + 1), "cpus:1"))))
        .contains("longer than 255");
  }

  @Test
  void aTaskIdTwiceInOneLaunchRefusesTheSecond() {
    LaunchPlan plan = validate(OFFER, task("t1", "cpus:1"), task("t1", "cpus:1"));
    assertThat(acceptedIds(plan)).containsExactly("t1");
    assertThat(rejection(plan, 0)).contains("'t1' appears twice");
  }

  @Test
  void anIdOfARefusedTaskStillCountsAsTaken() {
    LaunchPlan plan = validate(OFFER, task("t1", "cpus:100"), task("t1", "cpus:1"));
    assertThat(plan.accepted()).isEmpty();
    assertThat(rejection(plan, 0)).contains("exceed");
    assertThat(rejection(plan, 1)).contains("appears twice");
  }

  @Test
  void anIdInUseIsRefused() {
    Set<String> used = Set.of("old");
    LaunchPlan plan = validate(OFFER, used::contains, Map.of(), task("old", "cpus:1"), task("new", "cpus:1"));
    assertThat(acceptedIds(plan)).containsExactly("new");
    assertThat(rejection(plan, 0)).contains("'old' is already used").contains(FW);
  }

  @Test
  void aTaskNeedsACommandOrAnExecutorButNotBoth() {
    assertThat(onlyRejection(validate(OFFER, task("t1", "cpus:1").clearCommand())))
        .contains("exactly one of 'command' or 'executor'");
    assertThat(onlyRejection(validate(OFFER, task("t1", "cpus:1").setExecutor(executor("e1", "")))))
        .contains("exactly one of 'command' or 'executor'");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "   ", "\n"})
  void anEmptyShellCommandIsRefused(String value) {
    assertThat(onlyRejection(validate(OFFER, task("t1", "cpus:1").setCommand(command(value)))))
        .isEqualTo("task command is empty");
  }

  @Test
  void withoutShellTheArgumentsMayNameTheProgram() {
    CommandInfo argvOnly = CommandInfo.newBuilder().setShell(false).addArguments("sleep").addArguments("1").build();
    assertThat(validate(OFFER, task("t1", "cpus:1").setCommand(argvOnly)).accepted()).hasSize(1);
    CommandInfo nothing = CommandInfo.newBuilder().setShell(false).build();
    assertThat(onlyRejection(validate(OFFER, task("t1", "cpus:1").setCommand(nothing))))
        .isEqualTo("task command is empty");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "A=B", "NUL\0"})
  void badEnvironmentVariableNamesAreRefused(String name) {
    CommandInfo c = CommandInfo.newBuilder().setValue("env")
        .addEnvironment(EnvironmentVariable.newBuilder().setName("GOOD_ONE").setValue("1"))
        .addEnvironment(EnvironmentVariable.newBuilder().setName(name).setValue("x"))
        .build();
    assertThat(onlyRejection(validate(OFFER, task("t1", "cpus:1").setCommand(c))))
        .contains("invalid environment variable name");
  }

  @Test
  void wellFormedEnvironmentVariablesAreAccepted() {
    CommandInfo c = CommandInfo.newBuilder().setValue("env")
        .addEnvironment(EnvironmentVariable.newBuilder().setName("JAVA_OPTS").setValue("-Xmx1g -Da=b"))
        .addEnvironment(EnvironmentVariable.newBuilder().setName("EMPTY").setValue(""))
        .build();
    assertThat(validate(OFFER, task("t1", "cpus:1").setCommand(c)).accepted()).hasSize(1);
  }

  @Test
  void aVariableHasAValueOrASecretFileNotBoth() {
    CommandInfo secret = CommandInfo.newBuilder().setValue("env")
        .addEnvironment(EnvironmentVariable.newBuilder().setName("DB").setSecretFile("team-a/db-password"))
        .build();
    assertThat(validate(OFFER, task("t1", "cpus:1").setCommand(secret)).accepted()).hasSize(1);
    CommandInfo both = CommandInfo.newBuilder().setValue("env")
        .addEnvironment(EnvironmentVariable.newBuilder().setName("DB").setValue("x").setSecretFile("db-password"))
        .build();
    assertThat(onlyRejection(validate(OFFER, task("t1", "cpus:1").setCommand(both))))
        .isEqualTo("task command: environment variable DB has both a value and a secret_file (give one)");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/etc/shadow", "../x", "a/../../x"})
  void aSecretFileOutsideTheSecretsDirectoryIsRefused(String file) {
    CommandInfo c = CommandInfo.newBuilder().setValue("env")
        .addEnvironment(EnvironmentVariable.newBuilder().setName("DB").setSecretFile(file)).build();
    assertThat(onlyRejection(validate(OFFER, task("t1", "cpus:1").setCommand(c))))
        .startsWith("task command: environment variable DB: secret_file '" + file + "' ")
        .containsAnyOf("leads out of", "is not a relative path");
  }

  @Test
  void aNulInTheCommandIsRefused() {
    assertThat(onlyRejection(validate(OFFER, task("t1", "cpus:1").setCommand(command("echo a\0b")))))
        .contains("contains a NUL character");
    CommandInfo inArgs = CommandInfo.newBuilder().setShell(false).addArguments("echo").addArguments("a\0b").build();
    assertThat(onlyRejection(validate(OFFER, task("t1", "cpus:1").setCommand(inArgs))))
        .contains("contains a NUL character");
    CommandInfo inEnv = CommandInfo.newBuilder().setValue("env")
        .addEnvironment(EnvironmentVariable.newBuilder().setName("X").setValue("a\0b")).build();
    assertThat(onlyRejection(validate(OFFER, task("t1", "cpus:1").setCommand(inEnv))))
        .contains("contains a NUL character");
  }

  @ParameterizedTest
  @ValueSource(doubles = {-1, -0.001, 3600.5, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY})
  void killGracePeriodsOutOfBoundsAreRefused(double grace) {
    TaskInfo.Builder t = task("t1", "cpus:1").setKillPolicy(KillPolicy.newBuilder().setGracePeriodSeconds(grace));
    assertThat(onlyRejection(validate(OFFER, t))).contains("kill grace period must be between 0 and 3600");
  }

  @ParameterizedTest
  @ValueSource(doubles = {0, 0.5, 30, 3600})
  void killGracePeriodsWithinBoundsAreAccepted(double grace) {
    TaskInfo.Builder t = task("t1", "cpus:1").setKillPolicy(KillPolicy.newBuilder().setGracePeriodSeconds(grace));
    assertThat(validate(OFFER, t).accepted()).hasSize(1);
  }

  @Test
  void aKillPolicyWithoutGraceIsAccepted() {
    assertThat(validate(OFFER, task("t1", "cpus:1").setKillPolicy(KillPolicy.getDefaultInstance()))
        .accepted()).hasSize(1);
  }

  @Test
  void anExecutorTaskIsAcceptedWithTheExecutorsResourcesAndItsFrameworkFilledIn() {
    LaunchPlan plan = validate(OFFER, executorTask("t1", "cpus:1;mem:128", executor("e1", "cpus:0.5;mem:64")));

    LaunchPlan.Accepted a = plan.accepted().get(0);
    assertThat(a.task().getExecutor().getFrameworkId()).isEqualTo(FW);
    assertThat(a.task().getAgentId()).isEqualTo(AGENT);
    assertThat(a.resources().all()).isEqualTo(Resources.parse("cpus:1;mem:128"));
    assertThat(a.newExecutor().all()).isEqualTo(Resources.parse("cpus:0.5;mem:64"));
    assertThat(plan.used().all()).isEqualTo(Resources.parse("cpus:1.5;mem:192"));
  }

  @Test
  void theExecutorMayNameItsOwnFrameworkButNoOther() {
    assertThat(validate(OFFER, executorTask("t1", "cpus:1", executor("e1", "").setFrameworkId(FW)))
        .accepted()).hasSize(1);
    assertThat(onlyRejection(validate(OFFER, executorTask("t1", "cpus:1", executor("e1", "").setFrameworkId("fw-2")))))
        .contains("executor names framework fw-2");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "..", "a/b", "a b"})
  void invalidExecutorIdsAreRefused(String id) {
    assertThat(onlyRejection(validate(OFFER, executorTask("t1", "cpus:1", executor(id, "")))))
        .startsWith("executor id");
  }

  @Test
  void anExecutorNeedsACommand() {
    assertThat(onlyRejection(validate(OFFER, executorTask("t1", "cpus:1", executor("e1", "").clearCommand()))))
        .contains("executor e1 has no command");
    assertThat(onlyRejection(validate(OFFER, executorTask("t1", "cpus:1", executor("e1", "").setCommand(command(" "))))))
        .isEqualTo("executor command is empty");
    ExecutorInfo.Builder badEnv = executor("e1", "").setCommand(CommandInfo.newBuilder().setValue("x")
        .addEnvironment(EnvironmentVariable.newBuilder().setName("A=B")));
    assertThat(onlyRejection(validate(OFFER, executorTask("t1", "cpus:1", badEnv))))
        .contains("executor command has an invalid environment variable name");
  }

  @Test
  void aRunningExecutorIsReusedWithoutCountingItsResourcesAgain() {
    ExecutorInfo running = executor("e1", "cpus:1;mem:512").setFrameworkId(FW).build();
    LaunchPlan plan = validate("cpus:1;mem:128", id -> false, Map.of("e1", running),
        executorTask("t1", "cpus:1;mem:128", executor("e1", "cpus:1;mem:512")));

    assertThat(acceptedIds(plan)).containsExactly("t1");
    assertThat(plan.accepted().get(0).newExecutor().all()).isEqualTo(Resources.EMPTY);
    assertThat(plan.used().all()).isEqualTo(Resources.parse("cpus:1;mem:128"));
  }

  @Test
  void aRunningExecutorWithAnotherCommandIsRefused() {
    ExecutorInfo running = executor("e1", "").setFrameworkId(FW).setCommand(command("./old-executor")).build();
    LaunchPlan plan = validate(OFFER, id -> false, Map.of("e1", running),
        executorTask("t1", "cpus:1", executor("e1", "")));
    assertThat(onlyRejection(plan)).contains("executor e1 already runs on this agent with a different command");
  }

  @Test
  void anExecutorStartedEarlierInTheSameLaunchCountsOnceAndBindsItsCommand() {
    LaunchPlan plan = validate("cpus:1.5;mem:192",
        executorTask("t1", "cpus:0.5;mem:64", executor("e1", "cpus:0.5;mem:64")),
        executorTask("t2", "cpus:0.5;mem:64", executor("e1", "cpus:0.5;mem:64")),
        executorTask("t3", "cpus:0.5;mem:64", executor("e1", "").setCommand(command("./other"))));

    assertThat(acceptedIds(plan)).containsExactly("t1", "t2");
    assertThat(plan.accepted().get(0).newExecutor().all()).isEqualTo(Resources.parse("cpus:0.5;mem:64"));
    assertThat(plan.accepted().get(1).newExecutor().all()).isEqualTo(Resources.EMPTY);
    assertThat(rejection(plan, 0)).contains("different command");
    assertThat(plan.used().all()).isEqualTo(Resources.parse("cpus:1.5;mem:192"));
  }

  @Test
  void anExecutorOfARefusedTaskIsNotConsideredStarted() {
    LaunchPlan plan = validate("cpus:1;mem:128",
        executorTask("t1", "cpus:5", executor("e1", "cpus:0.5")),
        executorTask("t2", "cpus:0.5", executor("e1", "cpus:0.5")));
    assertThat(acceptedIds(plan)).containsExactly("t2");
    assertThat(plan.accepted().get(0).newExecutor().all()).isEqualTo(Resources.parse("cpus:0.5"));
  }

  @Test
  void nanAndNegativeResourcesAreRefused() {
    for (double bad : new double[] {Double.NaN, -1, Double.POSITIVE_INFINITY}) {
      TaskInfo.Builder t = task("t1", "").addResources(Resource.newBuilder().setName("cpus").setScalar(bad));
      assertThat(onlyRejection(validate(OFFER, t))).as("cpus %s", bad).startsWith("invalid resources");
      ExecutorInfo.Builder e = executor("e1", "").addResources(Resource.newBuilder().setName("mem").setScalar(bad));
      assertThat(onlyRejection(validate(OFFER, executorTask("t1", "cpus:1", e))))
          .as("executor mem %s", bad).startsWith("invalid resources");
    }
    TaskInfo.Builder noValue = task("t1", "cpus:1").addResources(Resource.newBuilder().setName("mem"));
    assertThat(onlyRejection(validate(OFFER, noValue))).contains("has no value");
  }

  @Test
  void aTaskMustUseSomeResources() {
    assertThat(onlyRejection(validate(OFFER, task("t1", ""))))
        .contains("task uses no resources");
    TaskInfo.Builder zero = task("t1", "").addResources(Resource.newBuilder().setName("cpus").setScalar(0));
    assertThat(onlyRejection(validate(OFFER, zero))).contains("task uses no resources");
  }

  @Test
  void tasksConsumeTheOfferInOrderAndARefusedOneTakesNothing() {
    LaunchPlan plan = validate("cpus:1;mem:1024",
        task("t1", "cpus:0.6;mem:100"),
        task("t2", "cpus:0.6;mem:100"),
        task("t3", "cpus:0.4;mem:100"),
        task("t4", "cpus:0.001"));

    assertThat(acceptedIds(plan)).containsExactly("t1", "t3");
    assertThat(plan.rejected()).extracting(r -> r.task().getTaskId()).containsExactly("t2", "t4");
    assertThat(rejection(plan, 0)).contains("resources exceed the offer").contains("cpus:0.6");
    assertThat(plan.used().all()).isEqualTo(Resources.parse("cpus:1;mem:200"));
  }

  @Test
  void aResourceTheOfferLacksIsRefused() {
    assertThat(onlyRejection(validate(OFFER, task("t1", "cpus:1;gpus:1"))))
        .contains("resources exceed the offer");
  }

  @Test
  void portsMustBeOfferedAndAreNotSharedBetweenTasks() {
    LaunchPlan plan = validate("cpus:4;ports:[31000-31004]",
        task("t1", "cpus:0.1;ports:[31000-31001]"),
        task("t2", "cpus:0.1;ports:[31001]"),
        task("t3", "cpus:0.1;ports:[31002-31004]"),
        task("t4", "cpus:0.1;ports:[32000]"),
        task("t5", "cpus:0.1;ports:[31004-31005]"));

    assertThat(acceptedIds(plan)).containsExactly("t1", "t3");
    assertThat(plan.rejected()).extracting(r -> r.task().getTaskId()).containsExactly("t2", "t4", "t5");
    assertThat(plan.used().all().ports().toString()).isEqualTo("[31000-31004]");
  }

  @Test
  void rejectionsDoNotStopLaterTasks() {
    LaunchPlan plan = validate(OFFER,
        task("", "cpus:1"),
        task("t2", "cpus:1").clearCommand(),
        task("t3", "cpus:1"));
    assertThat(acceptedIds(plan)).containsExactly("t3");
    assertThat(rejection(plan, 0)).isEqualTo("task id is empty");
    assertThat(rejection(plan, 1)).contains("exactly one");
  }
}
