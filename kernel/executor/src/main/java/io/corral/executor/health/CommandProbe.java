package io.corral.executor.health;

import io.corral.common.process.FileTail;
import io.corral.common.process.ProcessTree;
import io.corral.executor.CheckProcesses;
import io.corral.protocol.CommandInfo;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs the check's command as {@link CheckProcesses} makes it (started on a worker): passes when it
 * exits 0. A failure's message ends with the last of what it printed (stdout and stderr, into a
 * temporary file that is deleted after). What it left running in its session is killed when it exits;
 * all of it when it is stopped (it took too long, or the task ended).
 */
final class CommandProbe implements Probe {
  private static final int OUTPUT_TAIL_BYTES = 200;

  private final CommandInfo command;
  private final CheckProcesses processes;
  private final Executor workers;

  CommandProbe(CommandInfo command, CheckProcesses processes, Executor workers) {
    this.command = command;
    this.processes = processes;
    this.workers = workers;
  }

  @Override
  public String what() {
    return "command";
  }

  @Override
  public Run start() {
    AtomicReference<Process> started = new AtomicReference<>();
    AtomicBoolean cancelled = new AtomicBoolean();
    CompletableFuture<CheckResult> result = new CompletableFuture<>();
    workers.execute(() -> {
      Path output = null;
      try {
        output = Files.createTempFile("corral-health-check-", ".out");
        ProcessBuilder pb = processes.prepare(command);
        pb.redirectErrorStream(true);
        pb.redirectOutput(output.toFile());
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Process p;
        synchronized (started) { // a cancel either sees the process or stops it from starting
          if (cancelled.get()) {
            delete(output);
            return;
          }
          p = pb.start();
          started.set(p);
        }
        Path out = output;
        p.onExit().thenAccept(done -> {
          ProcessTree.killSession(done.pid(), Duration.ZERO); // what it left in the background
          int code = done.exitValue();
          String tail = FileTail.of(out, OUTPUT_TAIL_BYTES).replaceAll("\\s+", " ");
          delete(out);
          String message = "command exited " + code + (tail.isEmpty() ? "" : ": " + tail);
          result.complete(code == 0 ? CheckResult.passed(message) : CheckResult.failed(message));
        });
      } catch (IOException | RuntimeException e) {
        if (output != null) {
          delete(output);
        }
        result.complete(CheckResult.failed("command could not start: " + e.getMessage()));
      }
    });
    return new Run(result, () -> {
      synchronized (started) {
        cancelled.set(true);
        Process p = started.get();
        if (p != null) {
          ProcessTree.kill(p.toHandle(), Duration.ZERO);
        }
      }
    });
  }

  private static void delete(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException ignored) {
      // a temporary file: the system's cleaner takes it
    }
  }
}
