package io.corral.fetcher;

import io.corral.fetcher.hdfs.HdfsCopyContract;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the HDFS helper ({@code io.corral.fetcher.hdfs.HdfsCopy}) as a child process, once per
 * command, and reads what it said. The helper's stdout and stderr go to files in a work
 * directory (nothing to drain, no pipe to fill), deleted afterwards. Hadoop lives in that child
 * process only; this class and its callers never load it.
 */
final class HdfsHelper {
  private static final Logger LOG = LoggerFactory.getLogger(HdfsHelper.class);
  /** How much of the helper's output is read back: the end, where the result or the failure is. */
  private static final int MAX_OUTPUT_BYTES = 64 * 1024;
  private static final int MAX_MESSAGE_CHARS = 1000;
  private static final long KILL_WAIT_SECONDS = 10;

  private final HdfsSupport support;

  HdfsHelper(HdfsSupport support) {
    this.support = Objects.requireNonNull(support, "hdfs");
  }

  /**
   * What the helper said.
   *
   * @param exitCode see {@link HdfsCopyContract}
   * @param stdout its stdout's lines (the result line)
   * @param error its failure line without the {@code error: } prefix, or else its last line of
   *     stderr (a JVM that could not start, ...), or empty
   * @param stderr the end of its stderr, for the debug log
   */
  record Outcome(int exitCode, List<String> stdout, String error, String stderr) {
    /** The value of the result line {@code key=<n>}, if there is one. */
    OptionalLong result(String key) {
      String prefix = key + "=";
      for (String line : stdout) {
        if (line.startsWith(prefix)) {
          try {
            return OptionalLong.of(Long.parseLong(line.substring(prefix.length()).strip()));
          } catch (NumberFormatException e) {
            return OptionalLong.empty();
          }
        }
      }
      return OptionalLong.empty();
    }

    /** {@code error}, or the exit code when the helper said nothing. */
    String describe() {
      if (exitCode <= HdfsCopyContract.REFUSED && !error.isEmpty()) {
        return error;
      }
      return "the HDFS helper exited with code " + exitCode + (error.isEmpty() ? "" : ": " + error);
    }
  }

  /**
   * Runs the helper with {@code args}, killing it after {@code timeout}.
   *
   * @param workDir where the helper's output files are written (and then deleted)
   * @throws IOException if the helper cannot be started
   * @throws TimeoutException if it ran too long (it has been killed)
   * @throws InterruptedException if interrupted while waiting (it has been killed)
   */
  Outcome run(List<String> args, Path workDir, Duration timeout)
      throws IOException, TimeoutException, InterruptedException {
    List<String> command = new ArrayList<>(support.command());
    command.addAll(args);
    Path out = Files.createTempFile(workDir, "hdfs-helper-", ".out");
    Path err = Files.createTempFile(workDir, "hdfs-helper-", ".err");
    try {
      ProcessBuilder builder = new ProcessBuilder(command)
          .redirectOutput(out.toFile())
          .redirectError(err.toFile());
      builder.environment().putAll(support.environment());
      Process process;
      try {
        process = builder.start();
      } catch (IOException e) {
        throw new IOException("cannot start the HDFS helper " + command.get(0) + ": " + e.getMessage(), e);
      }
      process.getOutputStream().close(); // it reads nothing
      boolean exited;
      try {
        exited = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        kill(process);
        throw e;
      }
      if (!exited) {
        kill(process);
        throw new TimeoutException("timed out after " + describe(timeout));
      }
      String stderr = tail(err);
      Outcome outcome = new Outcome(process.exitValue(), tail(out).lines().toList(), errorLine(stderr), stderr);
      if (outcome.exitCode() != HdfsCopyContract.OK) {
        LOG.debug("HDFS helper {} exited with {}; stderr:\n{}", args, outcome.exitCode(), stderr);
      }
      return outcome;
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  private static void kill(Process process) {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    try {
      if (!process.waitFor(KILL_WAIT_SECONDS, TimeUnit.SECONDS)) {
        LOG.warn("HDFS helper {} still running {} s after SIGKILL", process.pid(), KILL_WAIT_SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The last {@code error: } line, else the last non-blank line, shortened. */
  static String errorLine(String stderr) {
    List<String> lines = stderr.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    String found = "";
    for (String line : lines) {
      if (line.startsWith(HdfsCopyContract.ERROR_PREFIX.strip())) {
        found = line.substring(HdfsCopyContract.ERROR_PREFIX.strip().length()).strip();
      }
    }
    if (found.isEmpty() && !lines.isEmpty()) {
      found = lines.get(lines.size() - 1);
    }
    return found.length() <= MAX_MESSAGE_CHARS ? found : found.substring(0, MAX_MESSAGE_CHARS) + "...";
  }

  private static String tail(Path file) throws IOException {
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
      long length = raf.length();
      int n = (int) Math.min(length, MAX_OUTPUT_BYTES);
      byte[] bytes = new byte[n];
      raf.seek(length - n);
      raf.readFully(bytes);
      return new String(bytes, StandardCharsets.UTF_8);
    }
  }

  /** {@code 250ms}, {@code 30s}, {@code 5m}, {@code 1h}. */
  static String describe(Duration d) {
    long millis = d.toMillis();
    if (millis % 1000 != 0) {
      return millis + "ms";
    }
    long seconds = millis / 1000;
    if (seconds != 0 && seconds % 3600 == 0) {
      return seconds / 3600 + "h";
    }
    if (seconds != 0 && seconds % 60 == 0) {
      return seconds / 60 + "m";
    }
    return seconds + "s";
  }
}
