package io.corral.fetcher;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Checks that keep writes inside a root directory: names that stay inside it, parents that
 * are real directories (never symbolic links), and symbolic links whose targets, followed one
 * component at a time through the links already on disk, stay inside it.
 */
final class SafePaths {
  /** Like Linux's limit on nested symbolic links (ELOOP). */
  private static final int MAX_LINK_HOPS = 40;

  private SafePaths() {}

  /**
   * The path of an archive entry (or link target) named {@code name} under {@code root}, or
   * {@code root} itself for names like {@code ./}.
   *
   * @param root absolute and normalised
   */
  static Path inside(Path root, String name) throws UnsafePathException {
    if (name.indexOf('\0') >= 0) {
      throw new UnsafePathException("a NUL character in the name");
    }
    if (name.startsWith("/")) {
      throw new UnsafePathException("an absolute path");
    }
    Path relative;
    try {
      relative = root.getFileSystem().getPath(name).normalize();
    } catch (InvalidPathException e) {
      throw new UnsafePathException("an invalid name (" + e.getMessage() + ")");
    }
    if (relative.isAbsolute() || relative.startsWith("..")) {
      throw new UnsafePathException("'..' leads out of the target directory");
    }
    Path path = root.resolve(relative).normalize();
    if (!path.startsWith(root)) {
      throw new UnsafePathException("it resolves outside the target directory");
    }
    return path;
  }

  /**
   * Creates the missing directories between {@code root} and {@code path}'s parent. Every
   * existing component must be a real directory: a symbolic link (from an earlier entry or
   * anything else) is refused, so that nothing is ever written through one.
   */
  static void makeParents(Path root, Path path) throws IOException {
    walkParents(root, path, true);
  }

  /** Like {@link #makeParents} but creates nothing: the existing parents must be real directories. */
  static void checkParents(Path root, Path path) throws IOException {
    walkParents(root, path, false);
  }

  private static void walkParents(Path root, Path path, boolean create) throws IOException {
    Path current = root;
    Path parent = path.getParent();
    if (parent == null || parent.equals(root)) {
      return;
    }
    for (Path part : root.relativize(parent)) {
      current = current.resolve(part);
      BasicFileAttributes attributes = attributesOrNull(current);
      if (attributes == null) {
        if (!create) {
          return;
        }
        try {
          Files.createDirectory(current);
        } catch (FileAlreadyExistsException raced) {
          requireDirectory(root, current, Files.readAttributes(current, BasicFileAttributes.class,
              LinkOption.NOFOLLOW_LINKS));
        }
      } else {
        requireDirectory(root, current, attributes);
      }
    }
  }

  private static void requireDirectory(Path root, Path dir, BasicFileAttributes attributes)
      throws UnsafePathException {
    if (attributes.isSymbolicLink()) {
      throw new UnsafePathException("it goes through the symbolic link " + root.relativize(dir));
    }
    if (!attributes.isDirectory()) {
      throw new UnsafePathException(root.relativize(dir) + " is not a directory");
    }
  }

  /** lstat, or null when there is nothing there. */
  static BasicFileAttributes attributesOrNull(Path path) throws IOException {
    try {
      return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  /**
   * Checks that the symbolic link {@code link} (under {@code root}) points inside {@code root}:
   * its target must be relative, and following it component by component, through any
   * symbolic links already there, must never leave {@code root}. Targets that do not exist yet
   * are followed by name. A path that is no longer a symbolic link passes.
   */
  static void checkLink(Path root, Path link) throws IOException {
    if (!Files.isSymbolicLink(link)) {
      return; // replaced since by a file, or gone
    }
    Path target = Files.readSymbolicLink(link);
    if (target.isAbsolute()) {
      throw new UnsafePathException("the symbolic link " + root.relativize(link) + " -> " + target
          + " has an absolute target");
    }
    int[] hops = {0};
    if (follow(root, link.getParent(), target, hops) == null) {
      throw new UnsafePathException("the symbolic link " + root.relativize(link) + " -> " + target
          + " points outside the target directory");
    }
  }

  /** Where {@code relative} leads from {@code from} (under root), or null if it leaves root. */
  private static Path follow(Path root, Path from, Path relative, int[] hops) throws IOException {
    Path current = from;
    for (Path part : relative) {
      String name = part.toString();
      if (name.isEmpty() || name.equals(".")) {
        continue;
      }
      if (name.equals("..")) {
        if (current.equals(root)) {
          return null;
        }
        current = current.getParent();
        continue;
      }
      Path next = current.resolve(name);
      if (Files.isSymbolicLink(next)) {
        if (++hops[0] > MAX_LINK_HOPS) {
          throw new UnsafePathException("too many levels of symbolic links at " + root.relativize(next));
        }
        Path target = Files.readSymbolicLink(next);
        if (target.isAbsolute()) {
          return null;
        }
        current = follow(root, current, target, hops);
        if (current == null) {
          return null;
        }
      } else {
        current = next;
      }
    }
    return current;
  }
}
