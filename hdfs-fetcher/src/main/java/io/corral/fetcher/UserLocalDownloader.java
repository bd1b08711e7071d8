package io.corral.fetcher;

import io.corral.common.user.RunAs;
import io.corral.common.user.UserAccount;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.lang.ProcessBuilder.Redirect;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * Copies {@code file://} URIs and absolute paths with the permissions of the user a task runs as:
 * the agent (root) never opens the source itself, as Mesos runs its fetcher as the task's user. A
 * process switched to the user ({@link RunAs#as}) looks at the file with {@code stat} and copies
 * it with {@code head} to its stdout, which is the destination file the agent opened for it. What
 * the user cannot read fails: {@code cannot read /etc/shadow as user nobody: permission denied}.
 * Thread-safe: every copy runs its own process.
 */
final class UserLocalDownloader implements Downloader {
  /**
   * Run by {@code /bin/sh} as the user with {@code $1} the file, {@code $2} the most bytes accepted
   * and {@code $3} {@code copy} or {@code check} (open it, read nothing). Reports {@code size:<n>}
   * on stderr; exits 0, or as {@link Outcome#failure} reads it. {@code head} copies one byte more
   * than the size seen, so that a file that grows meanwhile is noticed.
   */
  static final String SCRIPT = """
      info=$(stat -L -c '%F:%s' -- "$1") || exit 2
      case $info in
        'regular file:'*|'regular empty file:'*) ;;
        directory:*) exit 3 ;;
        *) exit 4 ;;
      esac
      size=${info##*:}
      echo "size:$size" >&2
      [ "$size" -le "$2" ] || exit 5
      [ "$3" = copy ] || exec head -c 0 -- "$1"
      exec head -c "$((size + 1))" -- "$1"
      """;
  static final String COPY = "copy";
  static final String CHECK = "check";
  /** C messages (parsed); nothing of the agent's environment reaches a process of the user. */
  private static final Map<String, String> ENVIRONMENT = Map.of("PATH", "/usr/bin:/bin", "LC_ALL", "C");
  private static final int MAX_STDERR_BYTES = 16 * 1024;
  private static final long KILL_WAIT_SECONDS = 10;

  private final UserAccount user;
  private final Duration timeout;

  UserLocalDownloader(UserAccount user, FetcherConfig config) {
    this.user = Objects.requireNonNull(user, "user");
    this.timeout = config.totalTimeout();
  }

  @Override
  public long download(URI uri, Path dest, long maxBytes) throws FetchException, InterruptedException {
    String value = uri.toString();
    Path source = LocalDownloader.path(uri);
    Outcome outcome = run(value, source, Redirect.to(dest.toFile()), maxBytes, COPY);
    if (outcome.exitCode() != 0) {
      throw new FetchException(value, outcome.failure(source, user.name(), maxBytes));
    }
    long size = outcome.size().orElseThrow(() -> new FetchException(value, "cannot read " + source + " as user "
        + user.name() + ": the reading process reported no size"));
    long copied;
    try {
      copied = Files.size(dest);
    } catch (IOException e) {
      throw new FetchException(value, "cannot copy " + source + ": " + HttpDownloader.describe(e), e);
    }
    if (copied != size) {
      throw new FetchException(value, "file changed while it was copied: " + size + " bytes at first, "
          + (copied > size ? "more" : copied + " bytes") + " later");
    }
    return copied;
  }

  /** What was read as one user is cached for that user alone (by uid: a name may be given to another). */
  @Override
  public String readsAs() {
    return "uid " + user.uid();
  }

  /** A cached copy of a local file goes only to a user who can still read the file. */
  @Override
  public void recheck(URI uri) throws FetchException, InterruptedException {
    String value = uri.toString();
    Path source = LocalDownloader.path(uri);
    Outcome outcome = run(value, source, Redirect.DISCARD, Long.MAX_VALUE, CHECK);
    if (outcome.exitCode() != 0) {
      throw new FetchException(value, outcome.failure(source, user.name(), Long.MAX_VALUE));
    }
  }

  private Outcome run(String value, Path source, Redirect out, long maxBytes, String mode)
      throws FetchException, InterruptedException {
    ProcessBuilder builder;
    try {
      builder = new ProcessBuilder(RunAs.as(user, List.of("/bin/sh", "-c", SCRIPT, "corral-fetch", source.toString(),
          Long.toString(maxBytes), mode)));
    } catch (IllegalStateException e) { // no setpriv
      throw new FetchException(value, "cannot read " + source + " as user " + user.name() + ": " + e.getMessage(), e);
    }
    builder.directory(new File("/")).redirectInput(Redirect.from(new File("/dev/null"))).redirectOutput(out)
        .redirectError(Redirect.PIPE);
    builder.environment().clear();
    builder.environment().putAll(ENVIRONMENT);
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new FetchException(value, "cannot read " + source + " as user " + user.name() + ": "
          + HttpDownloader.describe(e), e);
    }
    try (InputStream errors = process.getErrorStream()) {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        kill(process);
        throw new FetchException(value, "timed out after " + HttpDownloader.seconds(timeout));
      }
      // A few lines at most: the pipe never fills while the process runs.
      String stderr = new String(errors.readNBytes(MAX_STDERR_BYTES), StandardCharsets.UTF_8);
      return new Outcome(process.exitValue(), stderr.lines().toList());
    } catch (InterruptedException e) {
      kill(process);
      throw e;
    } catch (IOException e) {
      kill(process);
      throw new FetchException(value, "cannot read " + source + " as user " + user.name() + ": "
          + HttpDownloader.describe(e), e);
    }
  }

  private static void kill(Process process) throws InterruptedException {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    process.waitFor(KILL_WAIT_SECONDS, TimeUnit.SECONDS);
  }

  /**
   * How the reading process ended.
   *
   * @param exitCode 0: done; 1: {@code head} could not open or read the file; 2: {@code stat} could
   *     not look at it; 3: a directory; 4: not a regular file; 5: larger than the limit; others:
   *     the process could not run
   * @param stderr its lines: {@code size:<n>} and the messages of {@code stat}, {@code head} or {@code setpriv}
   */
  record Outcome(int exitCode, List<String> stderr) {

    /** The size {@code stat} saw, if it got that far. */
    OptionalLong size() {
      for (String line : stderr) {
        if (line.startsWith("size:")) {
          try {
            return OptionalLong.of(Long.parseLong(line.substring("size:".length()).strip()));
          } catch (NumberFormatException e) {
            return OptionalLong.empty();
          }
        }
      }
      return OptionalLong.empty();
    }

    /** One line for the task's status: what the user could not do with {@code source}, and why. */
    String failure(Path source, String user, long maxBytes) {
      String cannot = "cannot read " + source + " as user " + user + ": ";
      return switch (exitCode) {
        case 1, 2 -> {
          String reason = reason();
          yield reason.equals("no such file or directory") ? "no such file: " + source : cannot + reason;
        }
        case 3 -> "is a directory, not a file: " + source;
        case 4 -> "not a regular file: " + source;
        case 5 -> "too large: " + size().orElse(-1) + " bytes, the limit is " + maxBytes;
        default -> cannot + "the reading process exited with status " + exitCode
            + (message().isEmpty() ? "" : " (" + message() + ")");
      };
    }

    /** The cause in a tool's message ({@code stat: cannot statx '/x': Permission denied}), in lower case. */
    private String reason() {
      String message = message();
      String reason = message.substring(message.lastIndexOf(": ") + 1).strip();
      if (reason.isEmpty()) {
        return "exit status " + exitCode;
      }
      return reason.substring(0, 1).toLowerCase(Locale.ROOT) + reason.substring(1);
    }

    /** The last line that is not the size. */
    private String message() {
      String last = "";
      for (String line : stderr) {
        if (!line.startsWith("size:") && !line.isBlank()) {
          last = line.strip();
        }
      }
      return last;
    }
  }
}
