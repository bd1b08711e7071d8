package io.corral.examples.cli;

import io.corral.common.task.TaskStates;
import io.corral.examples.shell.ShellFramework;
import io.corral.protocol.CommandInfo;
import io.corral.protocol.FrameworkInfo;
import io.corral.protocol.TaskStatus;
import io.corral.protocol.TaskStatusReason;
import io.corral.scheduler.CorralSchedulerDriver;
import io.corral.scheduler.FrameworkIdStore;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.StringJoiner;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Runs the example shell framework against a master and prints its outcome ({@code corral example shell}). */
public final class ShellRun {
  private ShellRun() {}

  /**
   * How a run survives its own death.
   *
   * @param frameworkIdFile where the framework id is kept (null: nowhere): a run that finds an id
   *     there fails over to that framework and adopts its tasks
   * @param failoverTimeout how long the master keeps the tasks of a scheduler that is gone
   * @param verbose print {@code framework: <id> registered|re-registered} and
   *     {@code update: <task-id> <STATE>[ (reconciliation)]} lines as they happen
   */
  record Failover(Path frameworkIdFile, Duration failoverTimeout, boolean verbose) {
    /** An interactive run: its tasks die with it (failover timeout 0, the Mesos default). */
    static final Failover NONE = new Failover(null, Duration.ZERO, false);
  }

  public static int run(String master, String name, String role, int tasks, double cpus, double mem, int retries,
      CommandInfo command, Duration timeout, PrintStream out) throws InterruptedException, IOException {
    return run(master, name, role, tasks, cpus, mem, retries, command, timeout, Failover.NONE, "", out);
  }

  /**
   * Prints {@code finished: N/N} and returns 0 when every task finished; otherwise prints
   * {@code failed: <k>/<N> <task-id> <STATE> <reason>[; ...]} and returns 1. Before that line, {@code
   * preempted: <n>} when the master preempted runs (each was run again). The framework is torn
   * down at the end (and its id file removed), but not when the process is killed.
   *
   * @param user the framework's user, whom agents that switch users run the tasks as (empty: the
   *     user running this)
   */
  static int run(String master, String name, String role, int tasks, double cpus, double mem, int retries,
      CommandInfo command, Duration timeout, Failover failover, String user, PrintStream out)
      throws InterruptedException, IOException {
    return run(master, name, role, tasks, cpus, mem, retries, command, timeout, failover, user,
        io.corral.common.security.ClientCredentials.fromEnvironment(System.getenv()), out);
  }

  /** As above, presenting {@code credentials} to a secured master. */
  static int run(String master, String name, String role, int tasks, double cpus, double mem, int retries,
      CommandInfo command, Duration timeout, Failover failover, String user,
      io.corral.common.security.ClientCredentials credentials, PrintStream out)
      throws InterruptedException, IOException {
    ShellFramework framework = new ShellFramework(command, tasks, cpus, mem, retries);
    FrameworkIdStore ids = failover.frameworkIdFile() == null ? null : new FrameworkIdStore(failover.frameworkIdFile());
    String oldId = ids == null ? "" : ids.load().orElse("");
    FrameworkInfo info = FrameworkInfo.newBuilder().setName(name).setRole(role).setId(oldId).setUser(user)
        .setFailoverTimeout(failover.failoverTimeout().toMillis() / 1000.0)
        .build();
    CorralSchedulerDriver driver = new CorralSchedulerDriver(framework, info, master, true, credentials);
    if (tasks == 0) {
      out.println("finished: 0/0");
      return 0;
    }
    framework.start(new ShellFramework.Progress() {
      @Override
      public void registered(String frameworkId) {
        try {
          if (ids != null) {
            ids.save(frameworkId);
          }
        } catch (IOException e) {
          System.err.println("could not write the framework id to " + ids.file() + ": " + e);
        }
        if (failover.verbose()) {
          out.println("framework: " + frameworkId + (oldId.isEmpty() ? " registered" : " re-registered"));
        }
      }

      @Override
      public void update(TaskStatus s) {
        if (failover.verbose()) {
          out.println("update: " + s.getTaskId() + " " + TaskStates.shortName(s.getState())
              + (s.getReason() == TaskStatusReason.REASON_RECONCILIATION ? " (reconciliation)" : ""));
        }
      }
    }, !oldId.isEmpty());
    driver.start();
    try {
      ShellFramework.Outcome o;
      try {
        o = framework.outcome().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } finally {
        if (framework.preempted() > 0) {
          out.println("preempted: " + framework.preempted());
        }
      }
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
      out.println("failed: " + tasks + "/" + tasks + (e.getCause() instanceof ShellFramework.TooLarge
          ? " " + e.getCause().getMessage() + " (lower --cpus or --mem)"
          : " framework error: " + e.getCause().getMessage()));
      return 1;
    } catch (TimeoutException e) {
      out.println("failed: timed out after " + timeout.toString().substring(2).toLowerCase(java.util.Locale.ROOT)
          + " waiting for " + tasks + " task(s) (--timeout)");
      return 1;
    } finally {
      driver.stop();
      driver.join();
      if (ids != null) {
        ids.clear(); // the framework is torn down: its id can never subscribe again
      }
    }
  }
}
