package io.corral.agent.gc;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.DoubleSupplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps an agent's disk in check, off the agent's loop:
 *
 * <ul>
 *   <li><b>Sandbox garbage collection</b> (Mesos' {@code --gc_delay}): the sandbox of an executor
 *       run that no longer runs is removed once it is older than {@code gcDelay × max(0, 1 −
 *       headroom − disk usage)}: a week on an empty disk, sooner as the disk fills, at once when
 *       less than {@code headroom} is free. Its age is that of the newest entry at its top. The
 *       scan needs no record of its own, so sandboxes left by an earlier run of the agent go too.
 *   <li><b>Log rotation</b>: {@code stdout} and {@code stderr} of live executors (and of the command
 *       executor's tasks) larger than {@code logMaxBytes} are copied to {@code stdout.1} (older copies
 *       shifted up to {@code stdout.<logFiles-1>}, the oldest dropped) and truncated. The process keeps
 *       writing to the same file (opened for appending), so nothing is restarted; lines written
 *       between the copy and the truncation are lost, as with logrotate's copytruncate.
 * </ul>
 */
public final class SandboxJanitor {
  private static final Logger LOG = LoggerFactory.getLogger(SandboxJanitor.class);
  private static final List<String> LOGS = List.of("stdout", "stderr");

  /** What the janitor works with. */
  public record Settings(Duration gcDelay, double diskHeadroom, long logMaxBytes, int logFiles,
      Duration rotateEvery, Duration collectEvery) {
    /** With the usual passes: logs every 10 s, sandboxes every minute. */
    public Settings(Duration gcDelay, double diskHeadroom, long logMaxBytes, int logFiles) {
      this(gcDelay, diskHeadroom, logMaxBytes, logFiles, Duration.ofSeconds(10), Duration.ofMinutes(1));
    }

    public Settings {
      if (rotateEvery.isNegative() || rotateEvery.isZero() || collectEvery.isNegative() || collectEvery.isZero()) {
        throw new IllegalArgumentException("janitor passes must be at positive intervals");
      }
      if (gcDelay.isNegative()) {
        throw new IllegalArgumentException("gc delay must not be negative: " + gcDelay);
      }
      if (diskHeadroom < 0 || diskHeadroom >= 1) {
        throw new IllegalArgumentException("disk headroom must be in [0, 1): " + diskHeadroom);
      }
      if (logMaxBytes < 1024) {
        throw new IllegalArgumentException("log size limit must be at least 1 KiB: " + logMaxBytes);
      }
      if (logFiles < 1) {
        throw new IllegalArgumentException("log files kept must be at least 1: " + logFiles);
      }
    }
  }

  private final java.util.concurrent.atomic.AtomicLong sandboxesRemoved = new java.util.concurrent.atomic.AtomicLong();
  private final java.util.concurrent.atomic.AtomicLong logsRotated = new java.util.concurrent.atomic.AtomicLong();
  private final Path root;
  private final Settings settings;
  private final Clock clock;
  private final DoubleSupplier diskUsage;

  /**
   * @param workDir the agent's work dir (sandboxes are under {@code frameworks/})
   * @param diskUsage the used fraction of the work dir's file system, 0..1
   */
  public SandboxJanitor(Path workDir, Settings settings, Clock clock, DoubleSupplier diskUsage) {
    this.root = io.corral.agent.exec.Sandboxes.root(workDir);
    this.settings = settings;
    this.clock = clock;
    this.diskUsage = diskUsage;
  }

  /** The used fraction of the file system holding {@code dir}. */
  public static double diskUsage(Path dir) {
    try {
      java.nio.file.FileStore store = Files.getFileStore(dir);
      long total = store.getTotalSpace();
      return total <= 0 ? 0 : 1.0 - (double) store.getUsableSpace() / total;
    } catch (IOException e) {
      return 0;
    }
  }

  /** Sandboxes removed since the agent started. */
  public long sandboxesRemoved() {
    return sandboxesRemoved.get();
  }

  /** Log files rotated since the agent started. */
  public long logsRotated() {
    return logsRotated.get();
  }

  /** How long a finished sandbox is kept right now. */
  public Duration currentDelay() {
    double factor = Math.max(0.0, 1.0 - settings.diskHeadroom() - diskUsage.getAsDouble());
    return Duration.ofMillis((long) (settings.gcDelay().toMillis() * factor));
  }

  /**
   * Removes the run directories not in {@code live} whose age passed the current delay; returns
   * those removed. {@code live} holds the sandboxes of every run the agent has (launching, running,
   * recovering), taken before this call.
   */
  public List<Path> collect(Set<Path> live) {
    Duration delay = currentDelay();
    Instant now = clock.instant();
    List<Path> removed = new ArrayList<>();
    for (Path run : runDirs()) {
      if (live.contains(run)) {
        continue;
      }
      Instant last = lastModified(run);
      if (!last.plus(delay).isAfter(now)) {
        try {
          io.corral.fetcher.Trees.delete(run); // read-only directories too; links are removed, not followed
          removed.add(run);
          sandboxesRemoved.incrementAndGet();
          LOG.info("removed sandbox {} (finished {} ago; sandboxes are kept {} now)", root.relativize(run),
              Duration.between(last, now).withNanos(0), delay.withNanos(0));
          removeIfEmpty(run.getParent()); // runs/
          removeIfEmpty(run.getParent().getParent()); // <executor>/
          removeIfEmpty(run.getParent().getParent().getParent()); // executors/
          removeIfEmpty(run.getParent().getParent().getParent().getParent()); // <framework>/
        } catch (IOException e) {
          LOG.warn("could not remove sandbox {}: {}", run, e.toString());
        }
      }
    }
    return removed;
  }

  /** Rotates the logs of the live sandboxes; returns the files rotated. */
  public List<Path> rotate(Set<Path> live) {
    List<Path> rotated = new ArrayList<>();
    for (Path sandbox : live) {
      List<Path> logs = new ArrayList<>();
      LOGS.forEach(name -> logs.add(sandbox.resolve(name)));
      for (Path task : list(sandbox.resolve("tasks"))) { // the command executor's tasks
        LOGS.forEach(name -> logs.add(task.resolve(name)));
      }
      for (Path log : logs) {
        try {
          if (Files.isRegularFile(log, LinkOption.NOFOLLOW_LINKS) && Files.size(log) > settings.logMaxBytes()) {
            rotateOne(log);
            rotated.add(log);
            logsRotated.incrementAndGet();
          }
        } catch (IOException e) {
          LOG.warn("could not rotate {}: {}", log, e.toString());
        }
      }
    }
    return rotated;
  }

  /**
   * Copies the log to {@code <name>.1} (the older ones moved up) and truncates it. The sandbox may be
   * its task's user's, who can put links there: the log is opened without following links and must
   * have no other name, the copy is a new file (never through a link), owned as the log is.
   */
  private void rotateOne(Path log) throws IOException {
    int keep = settings.logFiles() - 1;
    String name = log.getFileName().toString();
    try (FileChannel in = FileChannel.open(log, StandardOpenOption.READ, StandardOpenOption.WRITE,
        LinkOption.NOFOLLOW_LINKS)) {
      if ((int) Files.getAttribute(log, "unix:nlink", LinkOption.NOFOLLOW_LINKS) != 1) {
        throw new IOException("it has other names (hard links): left alone");
      }
      if (keep > 0) {
        Files.deleteIfExists(log.resolveSibling(name + "." + keep));
        for (int i = keep - 1; i >= 1; i--) {
          Path from = log.resolveSibling(name + "." + i);
          if (Files.exists(from, LinkOption.NOFOLLOW_LINKS)) {
            Files.move(from, log.resolveSibling(name + "." + (i + 1)), StandardCopyOption.REPLACE_EXISTING);
          }
        }
        Path first = log.resolveSibling(name + ".1");
        Files.deleteIfExists(first);
        try (FileChannel out = FileChannel.open(first, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
            LinkOption.NOFOLLOW_LINKS)) {
          long size = in.size();
          for (long done = 0; done < size; ) {
            done += in.transferTo(done, size - done, out);
          }
        }
        copyOwner(log, first);
      }
      in.truncate(0);
    }
    LOG.info("rotated {} ({} kept)", root.relativize(log), settings.logFiles());
  }

  private static void copyOwner(Path from, Path to) throws IOException {
    for (String id : List.of("unix:uid", "unix:gid")) {
      Object owner = Files.getAttribute(from, id, LinkOption.NOFOLLOW_LINKS);
      if (!owner.equals(Files.getAttribute(to, id, LinkOption.NOFOLLOW_LINKS))) {
        Files.setAttribute(to, id, owner, LinkOption.NOFOLLOW_LINKS);
      }
    }
  }

  private List<Path> runDirs() {
    List<Path> out = new ArrayList<>();
    for (Path fw : list(root)) {
      for (Path ex : list(fw.resolve("executors"))) {
        out.addAll(list(ex.resolve("runs")));
      }
    }
    return out;
  }

  private static List<Path> list(Path dir) {
    List<Path> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, Files::isDirectory)) {
      entries.forEach(p -> out.add(p.toAbsolutePath().normalize()));
    } catch (IOException e) {
      LOG.debug("listing {}: {}", dir, e.toString());
    }
    return out;
  }

  /** The newest modification time of the directory and its top-level entries; now when it cannot be read. */
  private Instant lastModified(Path dir) {
    Instant newest = Instant.EPOCH;
    try (Stream<Path> entries = Stream.concat(Stream.of(dir), Files.list(dir))) {
      for (Path p : (Iterable<Path>) entries::iterator) {
        try {
          Instant t = Files.getLastModifiedTime(p, java.nio.file.LinkOption.NOFOLLOW_LINKS).toInstant();
          if (t.isAfter(newest)) {
            newest = t;
          }
        } catch (IOException e) {
          // gone meanwhile
        }
      }
    } catch (IOException e) {
      return clock.instant(); // unreadable: treat as fresh, keep it
    }
    return newest;
  }

  private static void removeIfEmpty(Path dir) {
    try (Stream<Path> entries = Files.list(dir)) {
      if (entries.findAny().isEmpty()) {
        Files.delete(dir);
      }
    } catch (IOException e) {
      // not empty, or gone
    }
  }
}
