package io.corral.fetcher;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** Directory trees: permissions as numbers, read-only sealing, linking into a sandbox, deletion. */
public final class Trees {
  private static final PosixFilePermission[] BITS = {
      PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
      PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
      PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};

  private Trees() {}

  /** The rwx bits of {@code mode} (setuid, setgid and sticky are dropped). */
  static Set<PosixFilePermission> permissions(int mode) {
    Set<PosixFilePermission> permissions = EnumSet.noneOf(PosixFilePermission.class);
    for (int bit = 0; bit < BITS.length; bit++) {
      if ((mode & (1 << bit)) != 0) {
        permissions.add(BITS[bit]);
      }
    }
    return permissions;
  }

  static int mode(Set<PosixFilePermission> permissions) {
    int mode = 0;
    for (int bit = 0; bit < BITS.length; bit++) {
      if (permissions.contains(BITS[bit])) {
        mode |= 1 << bit;
      }
    }
    return mode;
  }

  /** Removes the write bits of every file and directory under (and including) {@code root}. */
  static void seal(Path root) throws IOException {
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
        if (!attributes.isSymbolicLink()) {
          readOnly(file);
        }
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
        if (e != null) {
          throw e;
        }
        readOnly(dir);
        return FileVisitResult.CONTINUE;
      }
    });
  }

  private static void readOnly(Path path) throws IOException {
    int mode = mode(Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS));
    Files.setPosixFilePermissions(path, permissions(mode & ~0222));
  }

  /** Deletes {@code path} and everything under it, making directories writable first; no error if absent. */
  public static void delete(Path path) throws IOException {
    BasicFileAttributes attributes = SafePaths.attributesOrNull(path);
    if (attributes == null) {
      return;
    }
    if (!attributes.isDirectory()) {
      Files.delete(path);
      return;
    }
    Files.walkFileTree(path, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) throws IOException {
        Files.setPosixFilePermissions(dir, permissions(0700));
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
        Files.deleteIfExists(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
        if (e instanceof NoSuchFileException) {
          return FileVisitResult.CONTINUE;
        }
        throw e;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
        if (e != null) {
          throw e;
        }
        Files.deleteIfExists(dir);
        return FileVisitResult.CONTINUE;
      }
    });
  }

  /** Best effort {@link #delete}, for clean-up paths that already have an error to report. */
  static void deleteQuietly(Path path) {
    try {
      delete(path);
    } catch (IOException | RuntimeException e) {
      org.slf4j.LoggerFactory.getLogger(Trees.class).warn("cannot delete {}: {}", path, e.toString());
    }
  }

  /**
   * Puts a file into the sandbox as {@code dest} by hard link (a copy if linking fails, e.g.
   * across file systems). Whatever was at {@code dest} is replaced, never written through.
   */
  static void linkFile(Path source, Path dest) throws IOException {
    replaceable(dest);
    try {
      Files.createLink(dest, source);
    } catch (FileAlreadyExistsException e) {
      throw e;
    } catch (IOException | UnsupportedOperationException e) {
      Files.copy(source, dest, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
    }
  }

  /** Removes a file or link at {@code path} so something new can go there; refuses a directory. */
  static void replaceable(Path path) throws IOException {
    BasicFileAttributes existing = SafePaths.attributesOrNull(path);
    if (existing != null) {
      if (existing.isDirectory()) {
        throw new UnsafePathException("a directory is in the way: " + path.getFileName());
      }
      Files.delete(path);
    }
  }

  /** What {@link #linkTree} made: files (and links) and the symbolic links among them. */
  record Linked(int files, List<Path> links) {}

  /**
   * Recreates {@code tree} under {@code sandbox}: directories made (writable by their owner),
   * files hard-linked (copied if linking fails), symbolic links recreated. Never writes through
   * a symbolic link already in the sandbox.
   */
  static Linked linkTree(Path tree, Path sandbox) throws IOException {
    List<Path> links = new ArrayList<>();
    int[] files = {0};
    boolean[] copy = {false};
    Files.walkFileTree(tree, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) throws IOException {
        if (dir.equals(tree)) {
          return FileVisitResult.CONTINUE;
        }
        Path target = sandbox.resolve(tree.relativize(dir));
        BasicFileAttributes existing = SafePaths.attributesOrNull(target);
        if (existing == null) {
          Files.createDirectory(target);
          int mode = attributes instanceof PosixFileAttributes posix ? mode(posix.permissions()) : 0755;
          Files.setPosixFilePermissions(target, permissions(mode | 0700));
        } else if (existing.isSymbolicLink()) {
          throw new UnsafePathException("a symbolic link is in the way: " + sandbox.relativize(target));
        } else if (!existing.isDirectory()) {
          throw new UnsafePathException("a file is in the way: " + sandbox.relativize(target));
        }
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
        Path target = sandbox.resolve(tree.relativize(file));
        if (attributes.isSymbolicLink()) {
          replaceable(target);
          Files.createSymbolicLink(target, Files.readSymbolicLink(file));
          links.add(target);
        } else if (copy[0]) {
          replaceable(target);
          Files.copy(file, target, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
        } else {
          replaceable(target);
          try {
            Files.createLink(target, file);
          } catch (FileAlreadyExistsException e) {
            throw e;
          } catch (IOException | UnsupportedOperationException e) {
            copy[0] = true; // e.g. another file system: copy the rest without trying again
            Files.copy(file, target, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
          }
        }
        files[0]++;
        return FileVisitResult.CONTINUE;
      }
    });
    return new Linked(files[0], links);
  }
}
