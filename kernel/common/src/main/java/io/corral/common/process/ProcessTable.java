package io.corral.common.process;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One read of the process table ({@code /proc/<pid>/stat} of every live process), from which many
 * process trees and sessions are found without reading it again. A kill or a usage sample that
 * needs the trees of a thousand tasks reads the table once, not once per task (the JDK's
 * {@link ProcessHandle#descendants()} reads all of it on every call). Immutable.
 */
public final class ProcessTable {
  /** One process's line of the table (zombies are left out: they hold nothing and take no signal). */
  public record Entry(long pid, long ppid, long session, long utimeTicks, long stimeTicks, long rssPages) {}

  private static final Path PROC = Path.of("/proc");

  private final Map<Long, Entry> byPid;
  private final Map<Long, List<Long>> children = new HashMap<>();

  private ProcessTable(Map<Long, Entry> byPid) {
    this.byPid = byPid;
    for (Entry e : byPid.values()) {
      children.computeIfAbsent(e.ppid(), k -> new ArrayList<>()).add(e.pid());
    }
  }

  /** The table now; empty where there is no {@code /proc}. */
  public static ProcessTable read() {
    return read(PROC);
  }

  /** The table of a {@code /proc}-shaped directory. */
  public static ProcessTable read(Path proc) {
    Map<Long, Entry> all = new HashMap<>();
    if (!Files.isDirectory(proc)) {
      return new ProcessTable(all);
    }
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(proc, p -> isPid(p.getFileName().toString()))) {
      for (Path d : dirs) {
        try {
          Entry e = parse(Files.readString(d.resolve("stat")));
          if (e != null) {
            all.put(e.pid(), e);
          }
        } catch (IOException | RuntimeException e) {
          // the process ended while the table was read
        }
      }
    } catch (IOException e) {
      // what was read is what there is
    }
    return new ProcessTable(all);
  }

  /** A table of the given entries (tests). */
  public static ProcessTable of(Collection<Entry> entries) {
    Map<Long, Entry> all = new HashMap<>();
    entries.forEach(e -> all.put(e.pid(), e));
    return new ProcessTable(all);
  }

  /** Whether a {@code /proc} entry names a process. */
  static boolean isPid(String name) {
    if (name.isEmpty()) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      if (!Character.isDigit(name.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  /**
   * A {@code /proc/<pid>/stat} line, or null for a zombie or a line that is not one. The fields after
   * the command name (which may hold spaces and parentheses) start after the last ')'.
   */
  public static Entry parse(String stat) {
    int close = stat.lastIndexOf(')');
    int space = stat.indexOf(' ');
    if (close < 0 || space < 0 || close + 2 > stat.length()) {
      return null;
    }
    try {
      long pid = Long.parseLong(stat.substring(0, space).trim());
      String[] f = stat.substring(close + 2).split(" ");
      if (f[0].equals("Z") || f[0].equals("X")) {
        return null;
      }
      return new Entry(pid, Long.parseLong(f[1]), Long.parseLong(f[3]), Long.parseLong(f[11]),
          Long.parseLong(f[12]), Long.parseLong(f[21]));
    } catch (RuntimeException e) {
      return null;
    }
  }

  public Optional<Entry> get(long pid) {
    return Optional.ofNullable(byPid.get(pid));
  }

  /** The direct children of {@code pid}. */
  public List<Long> childrenOf(long pid) {
    return children.getOrDefault(pid, List.of());
  }

  /** Whether {@code pid} leads its session (was started through setsid). */
  public boolean leadsSession(long pid) {
    Entry e = byPid.get(pid);
    return e != null && e.session() == pid;
  }

  /** The live processes of a session, its leader (if alive) included. */
  public List<Long> sessionMembers(long sessionId) {
    List<Long> out = new ArrayList<>();
    for (Entry e : byPid.values()) {
      if (e.session() == sessionId) {
        out.add(e.pid());
      }
    }
    return out;
  }

  /**
   * {@code root} (when alive), its descendants, parents first, and, when it leads a session, the
   * rest of that session and their descendants: children re-parented after their parent died stay
   * in the session.
   */
  public Set<Long> treeOf(long root) {
    Set<Long> starts = new LinkedHashSet<>();
    starts.add(root);
    if (leadsSession(root)) {
      starts.addAll(sessionMembers(root));
    }
    return descendantsOf(starts);
  }

  /** The given processes that are alive and all their live descendants, parents first. */
  public Set<Long> descendantsOf(Collection<Long> starts) {
    Set<Long> tree = new LinkedHashSet<>();
    Deque<Long> todo = new ArrayDeque<>(starts);
    while (!todo.isEmpty()) {
      long pid = todo.poll();
      if (byPid.containsKey(pid) && tree.add(pid)) {
        todo.addAll(childrenOf(pid));
      }
    }
    return tree;
  }

  public int size() {
    return byPid.size();
  }
}
