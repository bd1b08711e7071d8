package io.corral.fetcher;

import java.io.IOException;
import java.net.URI;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Copies {@code file://} URIs and absolute paths from the agent's file system with the agent's own
 * permissions: for an agent that does not switch users, and for tasks of the agent's own user.
 * {@link UserLocalDownloader} reads them for other users.
 */
final class LocalDownloader implements Downloader {
  private static final long CHUNK = 8L * 1024 * 1024;

  private final FetcherConfig config;

  LocalDownloader(FetcherConfig config) {
    this.config = config;
  }

  @Override
  public long download(URI uri, Path dest, long maxBytes) throws FetchException, InterruptedException {
    String value = uri.toString();
    Path source = path(uri);
    BasicFileAttributes attributes;
    try {
      attributes = Files.readAttributes(source, BasicFileAttributes.class);
    } catch (NoSuchFileException e) {
      throw new FetchException(value, "no such file: " + source, e);
    } catch (AccessDeniedException e) {
      throw new FetchException(value, "permission denied: " + source, e);
    } catch (IOException e) {
      throw new FetchException(value, "cannot read " + source + ": " + HttpDownloader.describe(e), e);
    }
    if (attributes.isDirectory()) {
      throw new FetchException(value, "is a directory, not a file: " + source);
    }
    if (!attributes.isRegularFile()) {
      throw new FetchException(value, "not a regular file: " + source);
    }
    long size = attributes.size();
    if (size > maxBytes) {
      throw new FetchException(value, "too large: " + size + " bytes, the limit is " + maxBytes);
    }
    long deadline = System.nanoTime() + config.totalTimeout().toNanos();
    long copied = 0;
    try (FileChannel in = FileChannel.open(source, StandardOpenOption.READ);
        FileChannel out = FileChannel.open(dest, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      // Up to one byte past the size seen, to notice a file that grows while we copy.
      while (copied <= size) {
        long n = in.transferTo(copied, Math.min(CHUNK, size + 1 - copied), out);
        if (n <= 0) {
          break;
        }
        copied += n;
        if (Thread.interrupted()) {
          throw new InterruptedException("copy of " + source + " interrupted");
        }
        if (System.nanoTime() - deadline > 0) {
          throw new FetchException(value, "timed out after " + HttpDownloader.seconds(config.totalTimeout()));
        }
      }
    } catch (AccessDeniedException e) {
      throw new FetchException(value, "permission denied: " + source, e);
    } catch (ClosedByInterruptException e) {
      throw new InterruptedException("copy of " + source + " interrupted");
    } catch (IOException e) {
      throw new FetchException(value, "cannot copy " + source + ": " + HttpDownloader.describe(e), e);
    }
    if (copied != size) {
      throw new FetchException(value, "file changed while it was copied: " + size + " bytes at first, "
          + (copied > size ? "more" : copied + " bytes") + " later");
    }
    return copied;
  }

  /** The local path of a {@code file:} URI: absolute, on this host. */
  static Path path(URI uri) throws FetchException {
    String authority = uri.getRawAuthority();
    String path = uri.getPath();
    if (uri.isOpaque() || path == null || !path.startsWith("/")
        || (authority != null && !authority.isEmpty() && !authority.equalsIgnoreCase("localhost"))) {
      throw new FetchException(uri.toString(), "unsupported URI: a file URI needs an absolute path on this host "
          + "(file:///path)");
    }
    try {
      return Path.of(path);
    } catch (InvalidPathException e) {
      throw new FetchException(uri.toString(), "unsupported URI: " + e.getMessage(), e);
    }
  }
}
