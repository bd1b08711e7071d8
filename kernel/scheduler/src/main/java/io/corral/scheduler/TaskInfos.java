package io.corral.scheduler;

import io.corral.common.resources.Resources;
import io.corral.protocol.CommandInfo;
import io.corral.protocol.EnvironmentVariable;
import io.corral.protocol.ExecutorInfo;
import io.corral.protocol.KillPolicy;
import io.corral.protocol.Offer;
import io.corral.protocol.TaskInfo;
import java.util.Map;

/** Short ways to build the protocol's task messages. */
public final class TaskInfos {
  private TaskInfos() {}

  /** A shell command ({@code sh -c}) with environment variables. */
  public static CommandInfo shell(String command, Map<String, String> env) {
    CommandInfo.Builder b = CommandInfo.newBuilder().setValue(command);
    env.forEach((k, v) -> b.addEnvironment(EnvironmentVariable.newBuilder().setName(k).setValue(v)));
    return b.build();
  }

  public static CommandInfo shell(String command) {
    return shell(command, Map.of());
  }

  /** A shell command with files to fetch into the sandbox first (archives are unpacked there). */
  public static CommandInfo shell(String command, java.util.List<String> uris) {
    CommandInfo.Builder b = CommandInfo.newBuilder().setValue(command);
    for (String uri : uris) {
      b.addUris(io.corral.protocol.CommandURI.newBuilder().setValue(uri));
    }
    return b.build();
  }

  /**
   * A program run with {@code argv} as its argument vector, no shell in between ({@code shell=false}):
   * {@code argv[0]} is the program, looked up in the task's PATH unless it holds a '/', as
   * {@code execvp} does; each word reaches it as given, spaces and quotes included.
   */
  public static CommandInfo argv(java.util.List<String> argv, java.util.List<String> uris) {
    if (argv.isEmpty() || argv.get(0).isEmpty()) {
      throw new IllegalArgumentException("an argument vector needs a program: " + argv);
    }
    CommandInfo.Builder b = CommandInfo.newBuilder().setShell(false).setValue(argv.get(0)).addAllArguments(argv);
    for (String uri : uris) {
      b.addUris(io.corral.protocol.CommandURI.newBuilder().setValue(uri));
    }
    return b.build();
  }

  /** A task that runs a command under the built-in command executor. */
  public static TaskInfo command(String taskId, Offer offer, Resources resources, CommandInfo command) {
    return TaskInfo.newBuilder().setTaskId(taskId).setName(taskId).setAgentId(offer.getAgentId())
        .addAllResources(resources.toProto()).setCommand(command).build();
  }

  /** A task handed to a custom executor (started on the agent if not running yet). */
  public static TaskInfo forExecutor(String taskId, Offer offer, Resources resources, ExecutorInfo executor,
      byte[] data) {
    return TaskInfo.newBuilder().setTaskId(taskId).setName(taskId).setAgentId(offer.getAgentId())
        .addAllResources(resources.toProto()).setExecutor(executor)
        .setData(com.google.protobuf.ByteString.copyFrom(data)).build();
  }

  /** An executor run as a shell command. */
  public static ExecutorInfo executor(String executorId, String command, Resources resources) {
    return ExecutorInfo.newBuilder().setExecutorId(executorId).setCommand(shell(command))
        .addAllResources(resources.toProto()).build();
  }

  public static KillPolicy grace(double seconds) {
    return KillPolicy.newBuilder().setGracePeriodSeconds(seconds).build();
  }
}
