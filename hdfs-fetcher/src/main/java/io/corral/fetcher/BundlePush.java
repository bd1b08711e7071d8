package io.corral.fetcher;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

/**
 * Publishes an executor bundle where every agent can fetch it ({@code corral bundle push}): a
 * directory packed as a {@code .tar.gz} ({@link BundlePacker}), a file as it is, to HDFS (through
 * {@link HdfsClient}) or to a path on a shared file system. Readers never see half a bundle.
 */
public final class BundlePush {
  private BundlePush() {}

  /**
   * Pushes {@code source} to {@code target}: {@code hdfs://}, {@code webhdfs://},
   * {@code swebhdfs://}, {@code file://} or an absolute path.
   *
   * @param hdfs how to reach HDFS (used for HDFS targets only)
   * @param timeout the longest an upload to HDFS may take
   * @throws IllegalArgumentException when {@code source} does not exist or {@code target} is no
   *     place a bundle can be pushed to (the message says which)
   * @throws IOException when packing or uploading fails, with a one-line reason
   */
  public static void push(Path source, String target, HdfsSupport hdfs, Duration timeout)
      throws IOException, InterruptedException {
    if (!Files.exists(source)) {
      throw new IllegalArgumentException("no such file: " + source);
    }
    URI uri = target.startsWith("/") ? Path.of(target).toUri() : URI.create(target);
    String scheme = String.valueOf(uri.getScheme());
    if (!scheme.equals("file") && !scheme.equals("hdfs") && !scheme.equals("webhdfs") && !scheme.equals("swebhdfs")) {
      throw new IllegalArgumentException("cannot push to '" + target + "': use hdfs://, webhdfs://, file:// or an "
          + "absolute path");
    }
    Path packed = null;
    try {
      Path upload = source;
      if (Files.isDirectory(source)) {
        packed = Files.createTempFile("corral-bundle-", ".tar.gz");
        BundlePacker.pack(source, packed);
        upload = packed;
      }
      if (scheme.equals("file")) {
        copyLocal(upload, Path.of(uri));
      } else {
        new HdfsClient(hdfs, timeout).put(upload, uri);
      }
    } finally {
      if (packed != null) {
        Files.deleteIfExists(packed);
      }
    }
  }

  /** Copies next to the target, then renames: readers never see half a bundle. */
  private static void copyLocal(Path from, Path to) throws IOException {
    Path dir = to.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, "." + to.getFileName(), ".part");
    try {
      Files.copy(from, tmp, StandardCopyOption.REPLACE_EXISTING);
      Files.move(tmp, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
