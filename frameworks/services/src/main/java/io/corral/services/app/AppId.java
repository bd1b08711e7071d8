package io.corral.services.app;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * An app's id: an absolute path such as {@code /eng/web}, as Marathon's app ids are. Built from
 * what a user wrote: {@code eng/web} and {@code /eng/web/} are the same id; {@code .} and {@code ..}
 * segments are resolved against the root. Each segment is lower-case letters, digits and inner
 * hyphens, optionally several such parts joined by dots (Marathon's rule).
 *
 * @param path the normalised absolute path, {@code /} for the root group
 */
public record AppId(String path) {
  /** Marathon's rule for one path segment. */
  public static final Pattern SEGMENT =
      Pattern.compile("(([a-z0-9]|[a-z0-9][a-z0-9\\-]*[a-z0-9])\\.)*([a-z0-9]|[a-z0-9][a-z0-9\\-]*[a-z0-9])");

  public static final AppId ROOT = new AppId("/");

  public AppId {
    path = normalise(path, List.of());
  }

  /** {@code raw} resolved against {@code base} when relative (does not start with {@code /}). */
  public static AppId resolve(AppId base, String raw) {
    if (raw == null) {
      throw new IllegalArgumentException("id is required");
    }
    return raw.startsWith("/") ? new AppId(raw) : new AppId(normalise(raw, base.segments()));
  }

  /** The message explaining why {@code raw} is not a valid id, null if it is one. */
  public static String problem(String raw) {
    try {
      new AppId(raw);
      return null;
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
  }

  public List<String> segments() {
    return path.equals("/") ? List.of() : List.of(path.substring(1).split("/"));
  }

  public boolean isRoot() {
    return path.equals("/");
  }

  /** The group this id is in ({@code /eng} for {@code /eng/web}, {@code /} for {@code /web}). */
  public AppId parent() {
    int slash = path.lastIndexOf('/');
    return slash <= 0 ? ROOT : new AppId(path.substring(0, slash));
  }

  /** The last segment, empty for the root. */
  public String name() {
    return path.substring(path.lastIndexOf('/') + 1);
  }

  /** Whether this id is {@code group} or lies below it. */
  public boolean isWithin(AppId group) {
    return group.isRoot() || path.equals(group.path) || path.startsWith(group.path + "/");
  }

  /** Marathon's task id prefix: the path without its leading slash, slashes as underscores ({@code eng_web}). */
  public String taskIdPrefix() {
    return path.substring(1).replace('/', '_');
  }

  /** The app id a task id (Marathon's {@code eng_web.<uuid>}) belongs to. */
  public static AppId ofTaskId(String taskId) {
    int dot = taskId.lastIndexOf('.');
    if (dot <= 0) {
      throw new IllegalArgumentException("task id '" + taskId + "' names no app");
    }
    return new AppId("/" + taskId.substring(0, dot).replace('_', '/'));
  }

  @Override
  public String toString() {
    return path;
  }

  private static String normalise(String raw, List<String> base) {
    if (raw == null) {
      throw new IllegalArgumentException("id is required");
    }
    List<String> out = new ArrayList<>(raw.startsWith("/") ? List.of() : base);
    for (String segment : raw.split("/")) {
      if (segment.isEmpty() || segment.equals(".")) {
        continue;
      }
      if (segment.equals("..")) {
        if (out.isEmpty()) {
          throw new IllegalArgumentException("path '" + raw + "' goes above the root group");
        }
        out.remove(out.size() - 1);
      } else if (SEGMENT.matcher(segment).matches()) {
        out.add(segment);
      } else {
        throw new IllegalArgumentException("path contains invalid characters (allowed: lowercase letters, digits,"
            + " hyphens, \".\", \"..\"): '" + segment + "'");
      }
    }
    return "/" + String.join("/", out);
  }
}
