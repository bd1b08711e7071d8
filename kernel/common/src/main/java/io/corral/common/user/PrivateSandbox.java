package io.corral.common.user;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Sandboxes only their user can read: a sandbox is mode 0700 and, when its process runs as another
 * user, owned by that user with everything in it (fetched files included), its {@code stdout} and
 * {@code stderr} made before the process starts (the directory itself changes hands as the process
 * starts, see {@link RunAs#wrap(UserAccount, Path, List)}). The directories above it stay the agent's and
 * can be passed through, not listed (0711), so a task finds its own sandbox by its absolute path
 * but never reads another's. The agent, root, still reads them all (files API, disk usage, cleanup).
 */
public final class PrivateSandbox {
  /** rwx------: the sandbox itself. */
  public static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");
  /** rwx--x--x: a directory that leads to sandboxes of different users. */
  public static final Set<PosixFilePermission> PASS_THROUGH = PosixFilePermissions.fromString("rwx--x--x");
  /** rw-------: the logs of a process that stays the agent's (the command executor). */
  private static final Set<PosixFilePermission> OWNER_READ_WRITE = PosixFilePermissions.fromString("rw-------");
  /** The files a process's output goes to. */
  public static final List<String> LOGS = List.of("stdout", "stderr");

  private PrivateSandbox() {}

  /**
   * Makes {@code dir} (created if missing) the private sandbox of a process that runs as {@code user}
   * (empty: as the agent's user, nothing is chowned): it is mode 0700, its logs exist, and all it
   * holds belongs to {@code user}. The directory itself stays the agent's until the process starts
   * ({@link RunAs#wrap(UserAccount, Path, java.util.List)} gives it away then): meanwhile no process
   * of the user can get in to swap a log for a link.
   */
  public static void prepare(Path dir, Optional<UserAccount> user) throws IOException {
    Files.createDirectories(dir);
    Files.setPosixFilePermissions(dir, OWNER_ONLY);
    for (String log : LOGS) {
      createFile(dir.resolve(log));
    }
    if (user.isPresent()) {
      chownContent(dir, user.get());
    }
  }

  /**
   * Makes {@code dir} (created if missing) the sandbox of a process that stays the agent's but starts
   * processes of other users in sandboxes below it (the command executor): its logs are the agent's
   * alone (0600), and the directory can be passed through, not listed (0711), as can {@code subdirs}.
   */
  public static void prepareShared(Path dir, List<String> subdirs) throws IOException {
    Files.createDirectories(dir);
    for (String log : LOGS) {
      Path file = dir.resolve(log);
      createFile(file);
      Files.setPosixFilePermissions(file, OWNER_READ_WRITE);
    }
    Files.setPosixFilePermissions(dir, PASS_THROUGH);
    for (String sub : subdirs) {
      Path d = Files.createDirectories(dir.resolve(sub));
      Files.setPosixFilePermissions(d, PASS_THROUGH);
    }
  }

  /**
   * Gives everything in {@code dir} (not {@code dir} itself) to {@code user} (and the user's group).
   * Symbolic links are never followed: a link is changed itself, never what it points to.
   */
  public static void chownContent(Path dir, UserAccount user) throws IOException {
    Files.walkFileTree(dir, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws IOException {
        if (!d.equals(dir)) {
          chown(d, user);
        }
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        chown(file, user);
        return FileVisitResult.CONTINUE;
      }
    });
  }

  private static void chown(Path p, UserAccount user) throws IOException {
    // lchown(2): the "unix" view with NOFOLLOW_LINKS changes a link itself.
    Files.setAttribute(p, "unix:uid", (int) user.uid(), LinkOption.NOFOLLOW_LINKS);
    Files.setAttribute(p, "unix:gid", (int) user.gid(), LinkOption.NOFOLLOW_LINKS);
  }

  /** Creates a log file; one that is there already must be a plain file (not a link a fetched archive put there). */
  private static void createFile(Path file) throws IOException {
    if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      Files.createFile(file);
    } else if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      throw new IOException(file.getFileName() + " in the sandbox is not a plain file");
    }
  }
}
