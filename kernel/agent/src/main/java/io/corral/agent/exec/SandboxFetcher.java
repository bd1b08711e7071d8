package io.corral.agent.exec;

import io.corral.common.loop.EventLoop;
import io.corral.fetcher.FetchException;
import io.corral.fetcher.FetchUser;
import io.corral.fetcher.Fetcher;
import io.corral.protocol.CommandURI;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches the URIs of an executor or a command task into its sandbox before it starts, and
 * reports the outcome back on the agent's loop. Progress goes to the sandbox's {@code stderr}
 * (where the user looks) and to the agent's log.
 */
final class SandboxFetcher implements SandboxFetch {
  private static final Logger LOG = LoggerFactory.getLogger(SandboxFetcher.class);
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");

  private final Fetcher fetcher;
  private final EventLoop loop;
  private final java.time.Clock clock;

  /** @param clock the time its progress lines carry (in the host's zone) */
  SandboxFetcher(Fetcher fetcher, EventLoop loop, java.time.Clock clock) {
    this.fetcher = fetcher;
    this.loop = loop;
    this.clock = clock;
  }

  @Override
  public void fetch(List<CommandURI> uris, Path dir, FetchUser user, String what, Consumer<FetchException> done) {
    if (uris.isEmpty()) {
      done.accept(null);
      return;
    }
    try {
      // Private from the start: it is given to its user (0700 already) just before the process starts.
      Files.createDirectories(dir);
      Files.setPosixFilePermissions(dir, io.corral.common.user.PrivateSandbox.OWNER_ONLY);
    } catch (IOException e) {
      LOG.debug("could not make {} private before fetching: {}", dir, e.toString());
    }
    Path stderr = dir.resolve("stderr");
    Consumer<String> progress = line -> {
      LOG.info("{}: {}", what, line);
      append(stderr, line, clock);
    };
    fetcher.fetch(uris, dir, user, progress).whenComplete((fetched, error) -> loop.execute(() -> {
      if (error == null) {
        done.accept(null);
        return;
      }
      Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
      FetchException failure = cause instanceof FetchException fe ? fe
          : new FetchException(uris.get(0).getValue(), String.valueOf(cause.getMessage()), cause);
      LOG.warn("{}: fetch failed: {}: {}", what, failure.uri(), failure.getMessage());
      append(stderr, "fetch failed: " + failure.uri() + ": " + failure.getMessage(), clock);
      done.accept(failure);
    }));
  }

  private static void append(Path file, String line, java.time.Clock clock) {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, "[corral " + LocalTime.ofInstant(clock.instant(), java.time.ZoneId.systemDefault()).format(TIME) + "] " + line + "\n",
          StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      LOG.debug("could not write fetch progress to {}: {}", file, e.toString());
    }
  }
}
