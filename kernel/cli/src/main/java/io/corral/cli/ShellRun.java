package io.corral.cli;

import io.corral.common.task.TaskStates;
import io.corral.examples.shell.ShellFramework;
import io.corral.protocol.CommandInfo;
import io.corral.protocol.FrameworkInfo;
import io.corral.protocol.TaskStatus;
import io.corral.scheduler.CorralSchedulerDriver;
import java.io.PrintStream;
import java.time.Duration;
import java.util.StringJoiner;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Runs the example shell framework against a master and prints its outcome. */
final class ShellRun {
  private ShellRun() {}

  /**
   * Prints {@code finished: N/N} and returns 0 when every task finished; otherwise prints
   * {@code failed: <k>/<N> <task-id> <STATE> <reason>[; ...]} and returns 1.
   */
  static int run(String master, String name, String role, int tasks, double cpus, double mem, int retries,
      CommandInfo command, Duration timeout, PrintStream out) throws InterruptedException {
    ShellFramework framework = new ShellFramework(command, tasks, cpus, mem, retries);
    FrameworkInfo info = FrameworkInfo.newBuilder().setName(name).setRole(role)
        .setFailoverTimeout(0) // an interactive run: its tasks die with it
        .build();
    CorralSchedulerDriver driver = new CorralSchedulerDriver(framework, info, master);
    if (tasks == 0) {
      out.println("finished: 0/0");
      return 0;
    }
    driver.start();
    try {
      ShellFramework.Outcome o = framework.outcome().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (o.failures().isEmpty()) {
        out.println("finished: " + o.finished() + "/" + o.total());
        return 0;
      }
      StringJoiner list = new StringJoiner("; ");
      for (TaskStatus s : o.failures()) {
        String reason = s.getMessage().isBlank() ? s.getReason().name() : s.getMessage().replace('\n', ' ');
        list.add(s.getTaskId() + " " + TaskStates.shortName(s.getState()) + " " + reason);
      }
      out.println("failed: " + o.failures().size() + "/" + o.total() + " " + list);
      return 1;
    } catch (ExecutionException e) {
      out.println("failed: " + tasks + "/" + tasks + " framework error: " + e.getCause().getMessage());
      return 1;
    } catch (TimeoutException e) {
      out.println("failed: timed out after " + timeout + " waiting for " + tasks + " task(s)");
      return 1;
    } finally {
      driver.stop();
      driver.join();
    }
  }
}
