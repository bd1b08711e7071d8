package io.corral.fetcher;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * One complete entry of the {@link FetchCache} on disk, {@code entries/<key>-<n>/}: the
 * description {@code entry.properties}, the verified {@code download} and, for archives, the
 * extracted {@code tree/}. The pin count and the retired flag belong to the cache's lock.
 */
final class CacheEntry {
  static final String META = "entry.properties";
  static final String DOWNLOAD = "download";
  static final String TREE = "tree";
  private static final int KEY_LENGTH = 64;

  final String key;
  final Path dir;
  final long bytes;
  final long treeBytes;
  final int files;
  final boolean tree;
  final String sha256;
  int pins;
  boolean retired;

  CacheEntry(String key, Path dir, long bytes, long treeBytes, int files, boolean tree, String sha256) {
    this.key = key;
    this.dir = dir;
    this.bytes = bytes;
    this.treeBytes = treeBytes;
    this.files = files;
    this.tree = tree;
    this.sha256 = sha256;
  }

  /** Bytes on disk: the download and the tree's files. */
  long size() {
    return bytes + treeBytes;
  }

  /** Writes the description of the entry being made in {@code work}. */
  static void describe(Path work, FetchCache.Request request, long bytes, long treeBytes, int files, String sha256)
      throws IOException {
    Properties meta = new Properties();
    meta.setProperty("uri", request.uri());
    meta.setProperty("user", request.user() == null ? "" : request.user());
    meta.setProperty("readsAs", request.readsAs() == null ? "" : request.readsAs());
    meta.setProperty("extract", Boolean.toString(request.extract()));
    meta.setProperty("executable", Boolean.toString(request.executable()));
    meta.setProperty("bytes", Long.toString(bytes));
    meta.setProperty("treeBytes", Long.toString(treeBytes));
    meta.setProperty("files", Integer.toString(files));
    meta.setProperty("sha256", sha256);
    try (OutputStream out = Files.newOutputStream(work.resolve(META))) {
      meta.store(out, "corral fetch cache entry");
    }
  }

  /** The entry in {@code dir}, or null if it is not a complete one (no description, wrong sizes, ...). */
  static CacheEntry read(Path dir) {
    String name = dir.getFileName().toString();
    if (name.length() <= KEY_LENGTH || name.charAt(KEY_LENGTH) != '-' || !Files.isDirectory(dir)) {
      return null;
    }
    Properties meta = new Properties();
    try (InputStream in = Files.newInputStream(dir.resolve(META))) {
      meta.load(in);
      long bytes = Long.parseLong(meta.getProperty("bytes"));
      long treeBytes = Long.parseLong(meta.getProperty("treeBytes"));
      int files = Integer.parseInt(meta.getProperty("files"));
      boolean tree = Boolean.parseBoolean(meta.getProperty("extract"));
      String sha256 = meta.getProperty("sha256");
      if (sha256 == null || Files.size(dir.resolve(DOWNLOAD)) != bytes
          || tree != Files.isDirectory(dir.resolve(TREE))) {
        return null;
      }
      return new CacheEntry(name.substring(0, KEY_LENGTH), dir, bytes, treeBytes, files, tree, sha256);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
