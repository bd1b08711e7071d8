package io.corral.agent.http;

import io.corral.common.task.PathNames;
import io.corral.http.ApiException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The agent's sandboxes as files an operator may read: every path is relative to
 * {@code <work_dir>/frameworks}, and none may leave it — absolute paths and {@code ..} are refused
 * outright, and a path whose real location (symlinks followed) is outside is refused too.
 */
public final class SandboxFiles {
  /** Largest chunk one read returns. */
  public static final int MAX_READ = 1024 * 1024;
  public static final int DEFAULT_READ = 64 * 1024;

  private final Path root;

  public SandboxFiles(Path workDir) {
    this.root = io.corral.agent.exec.Sandboxes.root(workDir);
  }

  /** A directory entry. */
  public record Entry(String path, String name, boolean dir, long size, double mtime) {}

  /** A piece of a file: {@code data} is {@code length} bytes from {@code offset}; {@code size} is the whole file's. */
  public record Chunk(String path, long offset, int length, long size, String data) {}

  /** Where a task's files are. */
  public record Sandbox(String path, String executorId, String runId) {}

  /**
   * The directory under the sandboxes' root of the framework a path an operator gave belongs to
   * ({@code PathNames} of its id), checked as {@link #resolve} checks it.
   */
  public String frameworkDirOf(String rel) {
    Path inside = root.relativize(resolve(rel));
    if (inside.getNameCount() == 0 || inside.toString().isEmpty()) {
      return "";
    }
    return inside.getName(0).toString();
  }

  /** Resolves a path an operator gave, refusing anything that leads out of the sandboxes. */
  Path resolve(String rel) {
    if (rel == null || rel.isEmpty()) {
      throw ApiException.badRequest("the path parameter is required (relative to the agent's sandboxes)");
    }
    if (rel.indexOf('\0') >= 0) {
      throw ApiException.badRequest("path contains a NUL character");
    }
    if (rel.startsWith("/") || rel.startsWith("\\")) {
      throw new ApiException(403, "absolute paths are refused; give a path relative to the agent's sandboxes");
    }
    for (String part : rel.split("[/\\\\]")) {
      if (part.equals("..")) {
        throw new ApiException(403, "'..' is refused in sandbox paths");
      }
    }
    Path p = root.resolve(rel).normalize();
    if (!p.startsWith(root)) {
      throw new ApiException(403, "path leads out of the sandboxes");
    }
    if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
      throw ApiException.notFound("no such file: " + rel);
    }
    try {
      Path real = p.toRealPath();
      Path realRoot = root.toRealPath();
      if (!real.startsWith(realRoot)) {
        throw new ApiException(403, "path leads out of the sandboxes (through a symbolic link)");
      }
      return real;
    } catch (NoSuchFileException e) {
      throw ApiException.notFound("no such file: " + rel + " (a dangling link)");
    } catch (IOException e) {
      throw new ApiException(500, "cannot read " + rel + ": " + e.getMessage());
    }
  }

  private String relative(Path real) {
    try {
      return root.toRealPath().relativize(real).toString();
    } catch (IOException e) {
      return root.relativize(real).toString();
    }
  }

  public List<Entry> browse(String rel) {
    Path dir = resolve(rel);
    if (!Files.isDirectory(dir)) {
      throw ApiException.badRequest(rel + " is a file, not a directory");
    }
    List<Entry> out = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path p : entries) {
        BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
        out.add(new Entry(relative(p), p.getFileName().toString(), a.isDirectory(),
            a.isDirectory() ? 0 : a.size(), a.lastModifiedTime().toMillis() / 1000.0));
      }
    } catch (IOException e) {
      throw new ApiException(500, "cannot list " + rel + ": " + e.getMessage());
    }
    out.sort(Comparator.comparing(Entry::name));
    return out;
  }

  /** Reads up to {@code length} bytes from {@code offset}; an offset past the end gives an empty chunk. */
  public Chunk read(String rel, long offset, int length) {
    try (Opened f = open(rel)) {
      SeekableByteChannel ch = f.channel();
      long size = ch.size();
      long from = offset < 0 ? size : Math.min(offset, size);
      int n = (int) Math.min(Math.min(length, MAX_READ), size - from);
      ByteBuffer buf = ByteBuffer.allocate(n);
      ch.position(from);
      while (buf.hasRemaining() && ch.read(buf) > 0) {
        // until n bytes or the end
      }
      return new Chunk(rel, from, buf.position(), size,
          new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new ApiException(500, "cannot read " + rel + ": " + e.getMessage());
    }
  }

  /** A regular file, opened for reading (download, view); the caller closes it. */
  public record Opened(Path path, SeekableByteChannel channel) implements java.io.Closeable {
    @Override
    public void close() throws IOException {
      channel.close();
    }
  }

  /** Opens a regular file of the sandboxes for reading. */
  public Opened open(String rel) {
    Path file = resolve(rel);
    if (!Files.isRegularFile(file)) {
      throw ApiException.badRequest(rel + " is a directory, not a file");
    }
    try {
      return new Opened(file, openResolved(file));
    } catch (IOException e) {
      throw new ApiException(500, "cannot read " + rel + ": " + e.getMessage());
    }
  }

  /**
   * Opens a file {@link #resolve} found, directory by directory from the sandboxes' root (openat),
   * following no link on the way: sandboxes belong to their tasks' users, and a task that swaps one
   * of its directories for a link to elsewhere after the check makes the open fail, never read
   * elsewhere as the agent (root).
   */
  SeekableByteChannel openResolved(Path real) throws IOException {
    Path realRoot = root.toRealPath();
    Path rel = realRoot.relativize(real);
    DirectoryStream<Path> top = Files.newDirectoryStream(realRoot);
    if (!(top instanceof SecureDirectoryStream<Path> sds)) {
      top.close(); // no openat here: the last step at least follows no link
      return Files.newByteChannel(real, Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS));
    }
    SecureDirectoryStream<Path> dir = sds;
    try {
      for (int i = 0; i < rel.getNameCount() - 1; i++) {
        SecureDirectoryStream<Path> next = dir.newDirectoryStream(rel.getName(i), LinkOption.NOFOLLOW_LINKS);
        dir.close();
        dir = next;
      }
      return dir.newByteChannel(rel.getFileName(), Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS));
    } finally {
      dir.close();
    }
  }

  /**
   * The sandbox of a task: its executor's latest run ({@code executorId}), or for a task of the
   * command executor (no executor id) the latest run holding {@code tasks/<task id>}.
   */
  public Optional<Sandbox> sandboxOf(String frameworkId, String taskId, String executorId) {
    String executor = executorId == null || executorId.isEmpty() ? "corral:command" : executorId;
    Path runs = root.resolve(PathNames.of(frameworkId)).resolve("executors").resolve(PathNames.of(executor))
        .resolve("runs");
    if (!Files.isDirectory(runs)) {
      return Optional.empty();
    }
    boolean command = executorId == null || executorId.isEmpty();
    try (Stream<Path> all = Files.list(runs)) {
      return all.filter(Files::isDirectory)
          .map(run -> command ? PathNames.taskSandbox(run, taskId) : run)
          .filter(Files::isDirectory)
          .max(Comparator.comparingLong(SandboxFiles::mtime))
          .map(dir -> new Sandbox(root.relativize(dir).toString(), executor,
              command ? dir.getParent().getParent().getFileName().toString() : dir.getFileName().toString()));
    } catch (IOException e) {
      throw new ApiException(500, "cannot list " + runs + ": " + e.getMessage());
    }
  }

  private static long mtime(Path p) {
    try {
      return Files.getLastModifiedTime(p).toMillis();
    } catch (IOException e) {
      return 0;
    }
  }
}
