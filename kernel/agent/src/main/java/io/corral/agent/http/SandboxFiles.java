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
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The agent's sandboxes as files an operator may read: every path is relative to
 * {@code <work_dir>/frameworks}, and none may leave it: absolute paths and {@code ..} are refused
 * outright, and symbolic links are followed one by one, as the kernel would, only while they stay
 * inside. A link that leads out is refused (403) the same way whether or not its target exists,
 * so the sandbox API tells nothing of the host's files. Only regular files are read, and a listing
 * shows each entry as what it is (a link as a link, with its target).
 */
public final class SandboxFiles {
  /** Largest chunk one read returns. */
  public static final int MAX_READ = 1024 * 1024;
  public static final int DEFAULT_READ = 64 * 1024;

  private final Path root;

  public SandboxFiles(Path workDir) {
    this.root = io.corral.agent.exec.Sandboxes.root(workDir);
  }

  /** Links followed in one path at most (the kernel's ELOOP bound). */
  private static final int MAX_LINKS = 40;

  /**
   * A directory entry, as it is itself (a link's own size and time, not its target's).
   *
   * @param type file, directory, link, fifo, socket, block_device, char_device or other
   * @param mode as {@code ls -l} writes it ({@code -rw-r--r--}, {@code lrwxrwxrwx})
   * @param target what a link points to, as written in it (null for anything else)
   */
  public record Entry(String path, String name, String type, boolean dir, long size, double mtime, String mode,
      String target) {}

  /** A piece of a file: {@code data} is {@code length} bytes from {@code offset}; {@code size} is the whole file's. */
  public record Chunk(String path, long offset, int length, long size, String data) {}

  /** Where a task's files are. */
  public record Sandbox(String path, String executorId, String runId) {}

  /**
   * The directory under the sandboxes' root of the framework a path an operator gave belongs to
   * ({@code PathNames} of its id), checked as {@link #resolve} checks it.
   */
  public String frameworkDirOf(String rel) {
    Path inside = realRoot().relativize(resolve(rel));
    if (inside.getNameCount() == 0 || inside.toString().isEmpty()) {
      return "";
    }
    return inside.getName(0).toString();
  }

  /**
   * The directory of the framework a path an operator gave names by its first part, read from the
   * path alone (nothing on disk is looked at): what to authorise a read against before anything
   * about the file, even whether it exists, is told.
   */
  public String frameworkDirNamed(String rel) {
    checkNamed(rel);
    for (String part : rel.split("/")) {
      if (!part.isEmpty() && !part.equals(".")) {
        return part;
      }
    }
    return "";
  }

  /**
   * Resolves a path an operator gave to the file it names, refusing anything that leads out of the
   * sandboxes: no absolute path, no {@code ..}; links are followed one step at a time and each
   * must point inside (judged from the link alone, never from whether its target exists).
   */
  Path resolve(String rel) {
    checkNamed(rel);
    Path realRoot = realRoot();
    Deque<String> todo = new ArrayDeque<>(List.of(rel.split("/")));
    Path at = realRoot;
    int links = 0;
    while (!todo.isEmpty()) {
      String part = todo.pollFirst();
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) { // from a link's target: the operator's own were refused above
        if (at.equals(realRoot)) {
          throw outThroughALink();
        }
        at = at.getParent();
        continue;
      }
      Path next = at.resolve(part);
      BasicFileAttributes a;
      try {
        a = Files.readAttributes(next, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      } catch (NoSuchFileException e) {
        throw ApiException.notFound("no such file: " + rel + (links > 0 ? " (through a link)" : ""));
      } catch (IOException e) {
        throw new ApiException(500, "cannot read " + rel + ": " + e.getMessage());
      }
      if (a.isSymbolicLink()) {
        if (++links > MAX_LINKS) {
          throw ApiException.badRequest(rel + ": more than " + MAX_LINKS + " symbolic links to follow");
        }
        Path target;
        try {
          target = Files.readSymbolicLink(next);
        } catch (IOException e) {
          throw new ApiException(500, "cannot read " + rel + ": " + e.getMessage());
        }
        if (target.isAbsolute()) {
          Path inside = target.startsWith(realRoot) ? realRoot.relativize(target)
              : target.startsWith(root) ? root.relativize(target) : null;
          if (inside == null) {
            throw outThroughALink();
          }
          at = realRoot;
          target = inside;
        }
        for (int k = target.getNameCount() - 1; k >= 0; k--) {
          todo.addFirst(target.getName(k).toString());
        }
        continue;
      }
      if (!todo.isEmpty() && !a.isDirectory()) {
        throw ApiException.notFound("no such file: " + rel + " (" + part + " is not a directory)");
      }
      at = next;
    }
    return at;
  }

  /** Refuses, from the path alone, a missing path and one that names something outside the sandboxes. */
  private static void checkNamed(String rel) {
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
  }

  private static ApiException outThroughALink() {
    return new ApiException(403, "path leads out of the sandboxes (through a symbolic link)");
  }

  private Path realRoot() {
    try {
      return root.toRealPath();
    } catch (IOException e) {
      throw new ApiException(503, "the sandboxes' directory " + root + " cannot be read: " + e.getMessage());
    }
  }

  private String relative(Path real) {
    try {
      return root.toRealPath().relativize(real).toString();
    } catch (IOException e) {
      return root.relativize(real).toString();
    }
  }

  /** The entries of a directory, each as it is itself ({@link Entry}). */
  public List<Entry> browse(String rel) {
    Path dir = resolve(rel);
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      throw ApiException.badRequest(rel + " is " + describe(dir) + ", not a directory");
    }
    List<Entry> out = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path p : entries) {
        FileStat st;
        try {
          st = FileStat.of(p);
        } catch (NoSuchFileException e) {
          continue; // gone since listed
        }
        boolean isDir = st.type() == FileStat.Type.DIRECTORY;
        out.add(new Entry(relative(p), p.getFileName().toString(), st.type().json, isDir, isDir ? 0 : st.size(),
            st.mtime().toMillis() / 1000.0, st.mode(),
            st.type() == FileStat.Type.LINK ? Files.readSymbolicLink(p).toString() : null));
      }
    } catch (IOException e) {
      throw new ApiException(500, "cannot list " + rel + ": " + e.getMessage());
    }
    out.sort(Comparator.comparing(Entry::name));
    return out;
  }

  /** "a directory", "a FIFO (named pipe)", ...: what {@code p} itself is. */
  private static String describe(Path p) {
    try {
      return FileStat.of(p).type().described;
    } catch (IOException e) {
      return "not readable";
    }
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

  /** Opens a regular file of the sandboxes for reading; anything else is a 400 that says what it is. */
  public Opened open(String rel) {
    Path file = resolve(rel);
    try {
      return new Opened(file, openResolved(file));
    } catch (NotARegularFile e) {
      throw ApiException.badRequest(rel + " is " + describe(file) + ", not a regular file");
    } catch (IOException e) {
      throw new ApiException(500, "cannot read " + rel + ": " + e.getMessage());
    }
  }

  /** What {@link #openResolved} refuses to open. */
  static final class NotARegularFile extends IOException {
    private static final long serialVersionUID = 1L;

    NotARegularFile(Path p) {
      super(p + " is not a regular file");
    }
  }

  /**
   * Opens a regular file {@link #resolve} found, directory by directory from the sandboxes' root (openat),
   * following no link on the way: sandboxes belong to their tasks' users, and a task that swaps one
   * of its directories for a link to elsewhere after the check makes the open fail, never read
   * elsewhere as the agent (root). The file's type is read from its directory just before it is
   * opened, so a FIFO is not opened (opening one waits for a writer). Java cannot open without
   * waiting (O_NONBLOCK): a task that swaps a FIFO in at that very instant can make the open wait,
   * on one of the server's workers, until it opens the FIFO's other end itself.
   */
  SeekableByteChannel openResolved(Path real) throws IOException {
    Path realRoot = root.toRealPath();
    Path rel = realRoot.relativize(real);
    DirectoryStream<Path> top = Files.newDirectoryStream(realRoot);
    if (!(top instanceof SecureDirectoryStream<Path> sds)) {
      top.close(); // no openat here: the last step at least follows no link
      if (!Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
        throw new NotARegularFile(real);
      }
      return Files.newByteChannel(real, Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS));
    }
    SecureDirectoryStream<Path> dir = sds;
    try {
      for (int i = 0; i < rel.getNameCount() - 1; i++) {
        SecureDirectoryStream<Path> next = dir.newDirectoryStream(rel.getName(i), LinkOption.NOFOLLOW_LINKS);
        dir.close();
        dir = next;
      }
      Path name = rel.getFileName();
      if (!dir.getFileAttributeView(name, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
          .readAttributes().isRegularFile()) {
        throw new NotARegularFile(real);
      }
      return dir.newByteChannel(name, Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS));
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
