package io.corral.fetcher;

import java.nio.file.Path;

/**
 * A verified download and, for archives, its extracted tree, as {@link FetchCache} hands it
 * out: a cache entry pinned until closed, or a work directory deleted on close.
 */
final class CacheLease implements AutoCloseable {
  private final Path dir;
  private final long bytes;
  private final int files;
  private final long treeBytes;
  private final boolean tree;
  private final boolean hit;
  private final boolean cached;
  private final String sha256;
  private final Runnable onClose;
  private boolean closed;

  CacheLease(Path dir, long bytes, int files, long treeBytes, boolean tree, boolean hit, boolean cached,
      String sha256, Runnable onClose) {
    this.dir = dir;
    this.bytes = bytes;
    this.files = files;
    this.treeBytes = treeBytes;
    this.tree = tree;
    this.hit = hit;
    this.cached = cached;
    this.sha256 = sha256;
    this.onClose = onClose;
  }

  Path download() {
    return dir.resolve(CacheEntry.DOWNLOAD);
  }

  /** The extracted tree, or null. */
  Path tree() {
    return tree ? dir.resolve(CacheEntry.TREE) : null;
  }

  /** Size of the download. */
  long bytes() {
    return bytes;
  }

  /** Files (and links) in the tree. */
  int files() {
    return files;
  }

  /** Bytes of the tree's files. */
  long treeBytes() {
    return treeBytes;
  }

  /** SHA-256 of the download (null if it was not needed: uncached and none expected). */
  String sha256() {
    return sha256;
  }

  /** Served from the cache without downloading. */
  boolean hit() {
    return hit;
  }

  /** Kept in the cache (false: a work directory, deleted on close). */
  boolean cached() {
    return cached;
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      onClose.run();
    }
  }
}
