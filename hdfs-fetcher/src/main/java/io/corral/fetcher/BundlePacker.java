package io.corral.fetcher;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/**
 * Packs a directory (or one file) as a {@code .tar.gz} bundle that the fetcher unpacks into a
 * sandbox: entry names relative to the directory (its contents at the archive's root), file
 * modes (rwx bits) and modification times kept, symbolic links inside the directory kept as
 * links. Links that point outside it, and special files, are refused, since the fetcher would
 * refuse them too. Entries are sorted, so the same tree gives the same entries.
 */
public final class BundlePacker {
  private BundlePacker() {}

  /**
   * Writes {@code dirOrFile} to {@code targetTarGz} (replaced in one step at the end).
   *
   * @throws IOException if reading or writing fails, or the tree has something a bundle cannot hold
   */
  public static void pack(Path dirOrFile, Path targetTarGz) throws IOException {
    Path source = dirOrFile.toAbsolutePath().normalize();
    Path target = targetTarGz.toAbsolutePath().normalize();
    BasicFileAttributes attributes = Files.readAttributes(source, BasicFileAttributes.class);
    if (attributes.isDirectory() && target.startsWith(source)) {
      throw new IOException("the bundle " + target + " cannot be written inside the directory it packs");
    }
    Path parent = target.getParent();
    Files.createDirectories(parent);
    Path partial = Files.createTempFile(parent, "." + target.getFileName(), ".partial");
    try {
      try (OutputStream file = new BufferedOutputStream(Files.newOutputStream(partial), 64 * 1024);
          GzipCompressorOutputStream gzip = new GzipCompressorOutputStream(file);
          TarArchiveOutputStream tar = new TarArchiveOutputStream(gzip)) {
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        if (attributes.isDirectory()) {
          for (Path path : sorted(source)) {
            add(tar, source, path);
          }
        } else {
          add(tar, source.getParent(), source);
        }
        tar.finish();
      }
      Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(partial);
    }
  }

  private static List<Path> sorted(Path root) throws IOException {
    List<Path> paths = new ArrayList<>();
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) {
        if (!dir.equals(root)) {
          paths.add(dir);
        }
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
        paths.add(file);
        return FileVisitResult.CONTINUE;
      }
    });
    paths.sort(null);
    return paths;
  }

  private static void add(TarArchiveOutputStream tar, Path root, Path path) throws IOException {
    String name = root.relativize(path).toString();
    PosixFileAttributes attributes = Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    int mode = Trees.mode(attributes.permissions());
    TarArchiveEntry entry;
    if (attributes.isSymbolicLink()) {
      Path target = Files.readSymbolicLink(path);
      if (target.isAbsolute() || !path.getParent().resolve(target).normalize().startsWith(root)) {
        throw new IOException("the symbolic link " + name + " -> " + target + " points outside " + root
            + ": a bundle can only hold links inside it");
      }
      entry = new TarArchiveEntry(name, TarConstants.LF_SYMLINK);
      entry.setLinkName(target.toString());
      entry.setMode(0120000 | 0777);
    } else if (attributes.isDirectory()) {
      entry = new TarArchiveEntry(name + "/", TarConstants.LF_DIR);
      entry.setMode(040000 | mode);
    } else if (attributes.isRegularFile()) {
      entry = new TarArchiveEntry(name, TarConstants.LF_NORMAL);
      entry.setMode(0100000 | mode);
      entry.setSize(attributes.size());
    } else {
      throw new IOException(name + " is not a file, directory or symbolic link");
    }
    entry.setModTime(attributes.lastModifiedTime());
    tar.putArchiveEntry(entry);
    if (attributes.isRegularFile()) {
      Files.copy(path, tar);
    }
    tar.closeArchiveEntry();
  }
}
