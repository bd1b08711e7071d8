package io.corral.fetcher;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.channels.ClosedByInterruptException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

/**
 * Recognises archives by name and unpacks them safely: every entry must stay inside the target
 * (no absolute names, no {@code ..} out of it, nothing written through a symbolic link, link
 * targets that stay inside), the unpacked size is limited while streaming, and only the rwx
 * permission bits are kept.
 */
final class Archives {
  private static final int MAX_LINK_TARGET = 4096;
  private static final int XZ_MEMORY_LIMIT_KIB = 128 * 1024;

  enum Format {
    TAR(".tar"), TAR_GZ(".tar.gz"), TGZ(".tgz"), TAR_BZ2(".tar.bz2"), TAR_XZ(".tar.xz"), ZIP(".zip");

    private final String suffix;

    Format(String suffix) {
      this.suffix = suffix;
    }
  }

  /**
   * What an extraction made.
   *
   * @param files files and links created (directories not counted)
   * @param bytes bytes written
   * @param links the symbolic links created
   */
  record Extracted(int files, long bytes, List<Path> links) {}

  private Archives() {}

  /** The archive format of a file name, by suffix (case-insensitive), or null. */
  static Format format(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    for (Format format : Format.values()) {
      if (lower.endsWith(format.suffix) && lower.length() > format.suffix.length()) {
        return format;
      }
    }
    return null;
  }

  static boolean isArchive(String name) {
    return format(name) != null;
  }

  /**
   * Unpacks {@code archive} into {@code target} (which exists). Fails on the first unsafe entry,
   * on anything that is not a file, directory or link, and once more than {@code maxBytes}
   * would be written; what was unpacked before stays (the caller throws it away).
   *
   * @param value the URI, for messages
   */
  static Extracted extract(String value, Path archive, Format format, Path target, long maxBytes)
      throws FetchException, InterruptedException {
    Unpacker unpacker = new Unpacker(value, target.toAbsolutePath().normalize(), maxBytes);
    try {
      if (format == Format.ZIP) {
        unzip(archive, unpacker);
      } else {
        untar(archive, format, unpacker);
      }
      unpacker.finish();
    } catch (UnsafePathException | TooLargeException e) {
      throw new FetchException(value, unpacker.rejected(e.getMessage()), e);
    } catch (InterruptedIOException | ClosedByInterruptException e) {
      throw new InterruptedException("extraction of " + value + " interrupted");
    } catch (IOException e) {
      throw new FetchException(value, "cannot extract " + archive.getFileName()
          + (unpacker.entry == null ? "" : " at entry '" + unpacker.entry + "'") + ": " + HttpDownloader.describe(e), e);
    }
    return new Extracted(unpacker.files, unpacker.bytes, Collections.unmodifiableList(unpacker.links));
  }

  private static void untar(Path archive, Format format, Unpacker unpacker) throws IOException {
    try (InputStream file = new BufferedInputStream(Files.newInputStream(archive), 64 * 1024);
        InputStream raw = decompress(format, file);
        TarArchiveInputStream tar = new TarArchiveInputStream(raw)) {
      for (TarArchiveEntry entry; (entry = tar.getNextEntry()) != null; ) {
        unpacker.next(entry.getName());
        if (entry.isDirectory()) {
          unpacker.directory(entry.getName(), entry.getMode());
        } else if (entry.isSymbolicLink()) {
          unpacker.symlink(entry.getName(), entry.getLinkName());
        } else if (entry.isLink()) {
          unpacker.hardLink(entry.getName(), entry.getLinkName());
        } else if (entry.isCharacterDevice() || entry.isBlockDevice() || entry.isFIFO() || !entry.isFile()) {
          throw new UnsafePathException("not a file, directory or link (device, FIFO or unknown type)");
        } else {
          unpacker.file(entry.getName(), entry.getMode(), entry.getLastModifiedTime(), tar, entry.getSize());
        }
      }
    }
  }

  private static InputStream decompress(Format format, InputStream in) throws IOException {
    // Concatenated streams are read whole, like gzip -d, bzip2 -d and xz -d do.
    return switch (format) {
      case TAR -> in;
      case TAR_GZ, TGZ -> GzipCompressorInputStream.builder().setInputStream(in).setDecompressConcatenated(true).get();
      case TAR_BZ2 -> new BZip2CompressorInputStream(in, true);
      // The memory limit covers xz -9 (64 MiB dictionary) and refuses streams that ask for gigabytes.
      case TAR_XZ -> XZCompressorInputStream.builder().setInputStream(in).setDecompressConcatenated(true)
          .setMemoryLimitKiB(XZ_MEMORY_LIMIT_KIB).get();
      case ZIP -> throw new IllegalArgumentException("zip is not a stream format");
    };
  }

  private static void unzip(Path archive, Unpacker unpacker) throws IOException {
    try (ZipFile zip = ZipFile.builder().setPath(archive).get()) {
      for (ZipArchiveEntry entry : Collections.list(zip.getEntries())) {
        unpacker.next(entry.getName());
        if (!zip.canReadEntryData(entry)) {
          throw new UnsafePathException("unsupported compression method or encryption");
        }
        boolean unix = entry.getPlatform() == ZipArchiveEntry.PLATFORM_UNIX && (entry.getUnixMode() & 0777) != 0;
        if (entry.isUnixSymlink()) {
          unpacker.symlink(entry.getName(), linkTarget(zip, entry));
        } else if (entry.isDirectory()) {
          unpacker.directory(entry.getName(), unix ? entry.getUnixMode() : 0755);
        } else {
          try (InputStream in = zip.getInputStream(entry)) {
            unpacker.file(entry.getName(), unix ? entry.getUnixMode() : 0644, entry.getLastModifiedTime(), in,
                entry.getSize());
          }
        }
      }
    }
  }

  /** A zip symlink's target is the entry's content: read at most a path's worth of it. */
  private static String linkTarget(ZipFile zip, ZipArchiveEntry entry) throws IOException {
    try (InputStream in = zip.getInputStream(entry)) {
      byte[] bytes = in.readNBytes(MAX_LINK_TARGET + 1);
      if (bytes.length > MAX_LINK_TARGET) {
        throw new UnsafePathException("symbolic link target longer than " + MAX_LINK_TARGET + " bytes");
      }
      return new String(bytes, StandardCharsets.UTF_8);
    }
  }

  /** Writes entries under one root, keeping count of what it wrote. */
  private static final class Unpacker {
    private final String value;
    private final Path root;
    private final long maxBytes;
    private final List<Path> links = new ArrayList<>();
    private final Map<Path, Integer> directoryModes = new LinkedHashMap<>();
    private String entry;
    private long bytes;
    private int files;

    Unpacker(String value, Path root, long maxBytes) {
      this.value = value;
      this.root = root;
      this.maxBytes = maxBytes;
    }

    void next(String name) throws InterruptedIOException {
      if (Thread.interrupted()) {
        throw new InterruptedIOException();
      }
      entry = name;
    }

    String rejected(String why) {
      return entry == null ? "archive rejected: " + why : "archive entry '" + entry + "' rejected: " + why;
    }

    void directory(String name, int mode) throws IOException {
      Path dir = SafePaths.inside(root, name);
      if (dir.equals(root)) {
        return; // "./": the target itself, whose mode we leave alone
      }
      SafePaths.makeParents(root, dir);
      BasicFileAttributes existing = SafePaths.attributesOrNull(dir);
      if (existing == null) {
        Files.createDirectory(dir);
      } else if (existing.isSymbolicLink()) {
        throw new UnsafePathException("a symbolic link is in the way");
      } else if (!existing.isDirectory()) {
        throw new UnsafePathException("a file is in the way");
      }
      directoryModes.put(dir, mode);
    }

    void file(String name, int mode, FileTime modified, InputStream in, long declaredSize) throws IOException {
      Path file = newPath(name);
      if (declaredSize > maxBytes - bytes) {
        throw new TooLargeException(limitMessage());
      }
      boolean complete = false;
      try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
          LinkOption.NOFOLLOW_LINKS)) {
        byte[] buffer = new byte[64 * 1024];
        for (int n; (n = in.read(buffer)) >= 0; ) {
          if (n > maxBytes - bytes) {
            throw new TooLargeException(limitMessage());
          }
          out.write(buffer, 0, n);
          bytes += n;
        }
        complete = true;
      } finally {
        if (!complete) {
          Files.deleteIfExists(file); // no partial file left behind
        }
      }
      Files.setPosixFilePermissions(file, Trees.permissions(mode & 0777));
      if (modified != null) {
        Files.setLastModifiedTime(file, modified);
      }
      files++;
    }

    void symlink(String name, String target) throws IOException {
      if (target == null || target.isEmpty()) {
        throw new UnsafePathException("symbolic link with an empty target");
      }
      if (target.startsWith("/")) {
        throw new UnsafePathException("symbolic link to the absolute path " + target);
      }
      Path link = newPath(name);
      Path lexical = link.getParent().resolve(target).normalize();
      if (target.indexOf('\0') >= 0 || !lexical.startsWith(root)) {
        throw new UnsafePathException("symbolic link to " + target + " points outside the target directory");
      }
      Files.createSymbolicLink(link, link.getFileSystem().getPath(target));
      checkLink(link);
      links.add(link);
      files++;
    }

    void hardLink(String name, String target) throws IOException {
      Path source;
      try {
        source = SafePaths.inside(root, target == null ? "" : target);
        SafePaths.checkParents(root, source);
      } catch (UnsafePathException e) {
        throw new UnsafePathException("hard link to " + target + ": " + e.getMessage());
      }
      BasicFileAttributes attributes = SafePaths.attributesOrNull(source);
      if (attributes == null || !attributes.isRegularFile()) {
        throw new UnsafePathException("hard link to " + target + ", which is not a file extracted before it");
      }
      if (SafePaths.inside(root, name).equals(source)) {
        return; // a link to itself: already there
      }
      Path link = newPath(name);
      try {
        Files.createLink(link, source);
      } catch (IOException | UnsupportedOperationException e) {
        Files.copy(source, link, LinkOption.NOFOLLOW_LINKS);
      }
      files++;
    }

    /** Where a non-directory entry goes: parents made, nothing but an old file or link in the way (removed). */
    private Path newPath(String name) throws IOException {
      Path path = SafePaths.inside(root, name);
      if (path.equals(root)) {
        throw new UnsafePathException("the name is the target directory itself");
      }
      SafePaths.makeParents(root, path);
      BasicFileAttributes existing = SafePaths.attributesOrNull(path);
      if (existing != null) {
        if (existing.isDirectory()) {
          throw new UnsafePathException("a directory is in the way");
        }
        Files.delete(path); // replaced, never written through (it may be a link into the cache)
      }
      return path;
    }

    private void checkLink(Path link) throws IOException {
      try {
        SafePaths.checkLink(root, link);
      } catch (IOException e) {
        Files.deleteIfExists(link);
        throw e;
      }
    }

    /** Directory modes last (a read-only directory could not be filled); links checked again, all in place. */
    void finish() throws IOException {
      entry = null;
      for (Map.Entry<Path, Integer> dir : directoryModes.entrySet()) {
        Files.setPosixFilePermissions(dir.getKey(), Trees.permissions((dir.getValue() & 0777) | 0700));
      }
      for (Path link : links) {
        entry = root.relativize(link).toString();
        checkLink(link);
      }
      entry = null;
    }

    private String limitMessage() {
      return "the archive unpacks to more than " + maxBytes + " bytes (the limit)";
    }
  }

  /** The unpacked-size limit was reached. */
  static final class TooLargeException extends IOException {
    private static final long serialVersionUID = 1L;

    TooLargeException(String message) {
      super(message);
    }
  }
}
