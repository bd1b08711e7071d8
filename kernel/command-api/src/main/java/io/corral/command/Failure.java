package io.corral.command;

import java.net.BindException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;

/**
 * What an exception that ends a command tells its user: one line (the reason, and what to do) and
 * the exit code, 2 for bad input ({@link IllegalArgumentException}: a value the command could not
 * use), 1 for anything else that went wrong while it ran.
 *
 * <p>The line is the exception's message followed by its causes' where they add something, down to
 * the first failure of a kind users meet (a port in use, a host that does not resolve, a refused
 * connection, a file that is missing or unreadable), with what to do about it. An exception without a message is a defect of Corral: the line says
 * so, and where the stack trace is.
 */
public record Failure(String line, int exitCode) {
  /** The exit code of a command line or input the command cannot use. */
  public static final int BAD_INPUT = 2;
  /** The exit code of a failure while the command ran. */
  public static final int RUNTIME = 1;

  public static Failure of(Throwable e) {
    if (e instanceof CliException c) {
      return new Failure(oneLine(c.getMessage()), c.exitCode());
    }
    int code = e instanceof IllegalArgumentException ? BAD_INPUT : RUNTIME;
    List<String> parts = new ArrayList<>();
    String hint = null;
    for (Throwable t = e; t != null && parts.size() < 8; t = t.getCause() == t ? null : t.getCause()) {
      String said = said(t);
      if (said != null && parts.stream().noneMatch(p -> p.contains(said))) {
        parts.add(said);
      }
      hint = hint(t);
      if (hint != null) { // a failure users meet: what it says is the reason, its causes are details for the log
        break;
      }
    }
    if (parts.isEmpty()) {
      return new Failure("internal error: " + e.getClass().getName()
          + " (corral --verbose shows the stack trace; please report it)", RUNTIME);
    }
    String line = String.join(": ", parts);
    return new Failure(oneLine(hint == null ? line : line + " (" + hint + ")"), code);
  }

  /** What {@code t} itself says: its message, or for file errors the file and what is wrong with it. */
  private static String said(Throwable t) {
    if (t instanceof NoSuchFileException f) {
      return "no such file " + f.getFile() + (f.getOtherFile() == null ? "" : " or " + f.getOtherFile());
    }
    if (t instanceof AccessDeniedException f) {
      return "permission denied: " + f.getFile();
    }
    if (t instanceof FileSystemException f && f.getReason() != null) {
      return f.getFile() + ": " + f.getReason();
    }
    if (t instanceof UnknownHostException u) {
      return "unknown host " + u.getMessage();
    }
    String m = t.getMessage();
    if (m == null || m.isBlank() || t.getCause() != null && m.equals(t.getCause().toString())) {
      return null; // nothing, or only the cause's class and message (a wrapper's default)
    }
    return m.strip();
  }

  private static String hint(Throwable t) {
    if (t instanceof BindException) {
      return "another process listens there: stop it, or choose another port";
    }
    if (t instanceof UnknownHostException) {
      return "check the host name";
    }
    if (t instanceof NoSuchFileException) {
      return "check the path";
    }
    if (t instanceof AccessDeniedException) {
      return "check its owner and permissions";
    }
    if (t instanceof ConnectException) {
      return "is it running, and is the address right?";
    }
    return null;
  }

  /** {@code s} on one line: line breaks and the indentation after them become one space. */
  static String oneLine(String s) {
    return s == null ? "" : s.strip().replaceAll("\\s*\\R\\s*", " ");
  }
}
