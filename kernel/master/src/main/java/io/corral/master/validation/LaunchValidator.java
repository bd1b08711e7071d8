package io.corral.master.validation;

import io.corral.common.resources.InvalidResourcesException;
import io.corral.common.resources.PooledResources;
import io.corral.common.resources.Resources;
import io.corral.protocol.CommandInfo;
import io.corral.protocol.EnvironmentVariable;
import io.corral.protocol.ExecutorInfo;
import io.corral.protocol.TaskInfo;
import io.corral.protocol.TaskState;
import io.corral.protocol.TaskStatusReason;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Checks the tasks of one ACCEPT, in order, against the resources of its (already valid)
 * offers. Pure: no state of its own, so every rule is unit-tested without a master.
 *
 * <p>Offers hold resources by pool ({@link PooledResources}). A task's resource that names a
 * reservation is taken from that reservation; one that names none from the offer's reservations
 * first (those of the framework's role, which no other role may use), then from its unreserved
 * resources. The task the agent is sent names the pools it was given, so that its resources return
 * to the right pools, also after a failover.
 */
public final class LaunchValidator {
  /** Longest kill grace period a task may ask for. */
  public static final double MAX_GRACE_SECONDS = 3600;

  private LaunchValidator() {}

  /**
   * @param frameworkId the framework launching
   * @param agentId the agent of the offers
   * @param offered the offers' resources, summed
   * @param tasks the tasks, in the order given
   * @param taskIdInUse whether a task id is taken (live or recently completed)
   * @param runningExecutors the framework's executors already on that agent, by id
   */
  public static LaunchPlan validate(
      String frameworkId,
      String agentId,
      Resources offered,
      List<TaskInfo> tasks,
      Predicate<String> taskIdInUse,
      Map<String, ExecutorInfo> runningExecutors) {
    return validate(frameworkId, agentId, offered, tasks, taskIdInUse, runningExecutors, user -> null);
  }

  /**
   * As above, with {@code userRefusal} saying why a task or executor may not run as the OS user
   * its command names (null: it may); such tasks fail with {@code REASON_TASK_UNAUTHORIZED}.
   */
  public static LaunchPlan validate(
      String frameworkId,
      String agentId,
      Resources offered,
      List<TaskInfo> tasks,
      Predicate<String> taskIdInUse,
      Map<String, ExecutorInfo> runningExecutors,
      Function<String, String> userRefusal) {
    return validate(frameworkId, agentId, PooledResources.of(offered), tasks, taskIdInUse, runningExecutors,
        userRefusal, Resources.EMPTY);
  }

  /**
   * As above, with {@code largestAgent} the most any one agent of the cluster has of each resource
   * (empty: unknown): a task that needs more than that fails with
   * {@code REASON_EXCEEDS_LARGEST_AGENT}, saying what the largest agent has, rather than only
   * that it exceeds this offer.
   */
  public static LaunchPlan validate(
      String frameworkId,
      String agentId,
      PooledResources offered,
      List<TaskInfo> tasks,
      Predicate<String> taskIdInUse,
      Map<String, ExecutorInfo> runningExecutors,
      Function<String, String> userRefusal,
      Resources largestAgent) {
    List<LaunchPlan.Accepted> accepted = new ArrayList<>();
    List<LaunchPlan.Rejected> rejected = new ArrayList<>();
    Set<String> idsInThisLaunch = new HashSet<>();
    Map<String, ExecutorInfo> executors = new HashMap<>(runningExecutors);
    PooledResources left = offered;
    for (TaskInfo task : tasks) {
      String problem = checkTask(frameworkId, agentId, task, taskIdInUse, idsInThisLaunch, executors);
      TaskStatusReason reason = TaskStatusReason.REASON_TASK_INVALID;
      if (problem == null) {
        problem = userRefusal.apply(commandUser(task));
        if (problem != null) {
          reason = TaskStatusReason.REASON_TASK_UNAUTHORIZED;
        }
      }
      PooledResources taskResources = PooledResources.EMPTY;
      PooledResources executorResources = PooledResources.EMPTY;
      if (problem == null) {
        try {
          taskResources = PooledResources.fromProto(task.getResourcesList());
          if (task.hasExecutor() && !executors.containsKey(task.getExecutor().getExecutorId())) {
            executorResources = PooledResources.fromProto(task.getExecutor().getResourcesList());
          }
        } catch (InvalidResourcesException e) {
          problem = "invalid resources: " + e.getMessage();
        }
      }
      PooledResources needed = taskResources.plus(executorResources);
      if (problem == null && needed.isEmpty()) {
        problem = "task uses no resources (give it cpus or mem)";
      }
      PooledResources taskTaken = null;
      PooledResources executorTaken = null;
      if (problem == null) {
        taskTaken = left.take(taskResources.reservedOnly(), taskResources.unreserved());
        executorTaken = taskTaken == null ? null
            : left.minus(taskTaken).take(executorResources.reservedOnly(), executorResources.unreserved());
      }
      if (problem == null && executorTaken == null) {
        if (!largestAgent.isEmpty() && !largestAgent.contains(needed.all())) {
          reason = TaskStatusReason.REASON_EXCEEDS_LARGEST_AGENT;
          problem = "no agent of the cluster can ever run this task: it needs " + needed
              + (executorResources.isEmpty() ? "" : " (with its executor's " + executorResources + ")")
              + " and the largest agent has " + largestAgent;
        } else {
          problem = "resources exceed the offer: the task needs " + needed + " but only " + left
              + " is left";
        }
      }
      if (problem != null) {
        rejected.add(
            new LaunchPlan.Rejected(
                task, TaskState.TASK_ERROR, reason, problem));
        if (!task.getTaskId().isEmpty()) {
          idsInThisLaunch.add(task.getTaskId());
        }
        continue;
      }
      idsInThisLaunch.add(task.getTaskId());
      left = left.minus(taskTaken).minus(executorTaken);
      TaskInfo.Builder normalized = task.toBuilder().setAgentId(agentId);
      if (!taskTaken.reserved().isEmpty()) {
        normalized.clearResources().addAllResources(taskTaken.toProto());
      }
      if (task.hasExecutor()) {
        ExecutorInfo.Builder ex = task.getExecutor().toBuilder().setFrameworkId(frameworkId);
        if (!executorTaken.reserved().isEmpty()) {
          ex.clearResources().addAllResources(executorTaken.toProto());
        }
        normalized.setExecutor(ex);
        executors.putIfAbsent(ex.getExecutorId(), ex.build());
      }
      accepted.add(new LaunchPlan.Accepted(normalized.build(), taskTaken, executorTaken));
    }
    return new LaunchPlan(accepted, rejected, offered.minus(left));
  }

  /** The OS user a task's command (or its executor's) names; empty: the framework's. */
  private static String commandUser(TaskInfo task) {
    CommandInfo c = task.hasCommand() ? task.getCommand() : task.getExecutor().getCommand();
    return c.getUser();
  }

  private static String checkTask(
      String frameworkId,
      String agentId,
      TaskInfo task,
      Predicate<String> taskIdInUse,
      Set<String> idsInThisLaunch,
      Map<String, ExecutorInfo> executors) {
    String problem = Ids.problem("task", task.getTaskId());
    if (problem != null) {
      return problem;
    }
    if (idsInThisLaunch.contains(task.getTaskId())) {
      return "task id '" + task.getTaskId() + "' appears twice in this launch";
    }
    if (taskIdInUse.test(task.getTaskId())) {
      return "task id '" + task.getTaskId() + "' is already used by another task of framework "
          + frameworkId;
    }
    if (!task.getAgentId().isEmpty() && !task.getAgentId().equals(agentId)) {
      return "task names agent " + task.getAgentId() + " but the offers are of agent " + agentId;
    }
    if (task.hasCommand() == task.hasExecutor()) {
      return "a task needs exactly one of 'command' or 'executor'";
    }
    if (task.hasKillPolicy() && task.getKillPolicy().hasGracePeriodSeconds()) {
      double g = task.getKillPolicy().getGracePeriodSeconds();
      if (!(g >= 0) || g > MAX_GRACE_SECONDS) {
        return "kill grace period must be between 0 and " + (long) MAX_GRACE_SECONDS + " s: " + g;
      }
    }
    if (task.hasHealthCheck()) {
      problem = HealthCheckValidator.problem(task.getHealthCheck());
      if (problem != null) {
        return problem;
      }
    }
    if (task.hasCommand()) {
      return checkCommand("task command", task.getCommand());
    }
    ExecutorInfo ex = task.getExecutor();
    problem = Ids.problem("executor", ex.getExecutorId());
    if (problem != null) {
      return problem;
    }
    if (!ex.getFrameworkId().isEmpty() && !ex.getFrameworkId().equals(frameworkId)) {
      return "executor names framework " + ex.getFrameworkId() + ", not " + frameworkId;
    }
    if (!ex.hasCommand()) {
      return "executor " + ex.getExecutorId() + " has no command";
    }
    problem = checkCommand("executor command", ex.getCommand());
    if (problem != null) {
      return problem;
    }
    ExecutorInfo running = executors.get(ex.getExecutorId());
    if (running != null && !running.getCommand().equals(ex.getCommand())) {
      return "executor " + ex.getExecutorId()
          + " already runs on this agent with a different command";
    }
    return null;
  }

  static String checkCommand(String what, CommandInfo command) {
    boolean shell = !command.hasShell() || command.getShell();
    if (command.getValue().isBlank() && (shell || command.getArgumentsCount() == 0)) {
      return what + " is empty";
    }
    for (EnvironmentVariable v : command.getEnvironmentList()) {
      if (v.getName().isEmpty() || v.getName().indexOf('=') >= 0 || v.getName().indexOf('\0') >= 0) {
        return what + " has an invalid environment variable name '" + Ids.printable(v.getName()) + "'";
      }
      if (!v.getSecretFile().isEmpty()) {
        if (!v.getValue().isEmpty()) {
          return what + ": environment variable " + v.getName() + " has both a value and a secret_file (give one)";
        }
        String invalid = io.corral.common.secret.SecretFiles.invalidName(v.getSecretFile());
        if (invalid != null) {
          return what + ": environment variable " + v.getName() + ": " + invalid.replaceAll("\\p{Cntrl}", "?");
        }
      }
    }
    if (command.getValue().indexOf('\0') >= 0 || command.getArgumentsList().stream().anyMatch(a -> a.indexOf('\0') >= 0)
        || command.getEnvironmentList().stream().anyMatch(v -> v.getValue().indexOf('\0') >= 0)) {
      return what + " contains a NUL character (in its value, arguments or environment)";
    }
    return null;
  }
}
