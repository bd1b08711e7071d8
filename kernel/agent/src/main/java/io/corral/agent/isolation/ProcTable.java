package io.corral.agent.isolation;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One read of the process table ({@code /proc/<pid>/stat} of every process), from which the usage
 * of many process trees is summed without reading it again: the posix isolators measure every
 * executor from one table per watch interval. Immutable.
 */
public final class ProcTable {
  private static final long PAGE_BYTES = 4096;
  private static final double TICKS_PER_SECOND = 100.0; // USER_HZ on every Linux the agent runs on

  /** One process's line of the table. */
  record Proc(long pid, long ppid, long session, long utimeTicks, long stimeTicks, long rssPages) {}

  private final Map<Long, Proc> byPid;
  private final Map<Long, List<Long>> children;

  private ProcTable(Map<Long, Proc> byPid) {
    this.byPid = byPid;
    this.children = new HashMap<>();
    for (Proc p : byPid.values()) {
      children.computeIfAbsent(p.ppid(), k -> new ArrayList<>()).add(p.pid());
    }
  }

  /** The table now; empty where there is no {@code /proc}. */
  public static ProcTable read() {
    return read(Path.of("/proc"));
  }

  static ProcTable read(Path proc) {
    Map<Long, Proc> all = new HashMap<>();
    if (!Files.isDirectory(proc)) {
      return new ProcTable(all);
    }
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(proc, p -> isPid(p.getFileName().toString()))) {
      for (Path d : dirs) {
        try {
          Proc p = parse(Files.readString(d.resolve("stat")));
          if (p != null) {
            all.put(p.pid(), p);
          }
        } catch (IOException | RuntimeException e) {
          // the process ended while we read the table
        }
      }
    } catch (IOException e) {
      // what was read is what there is
    }
    return new ProcTable(all);
  }

  private static boolean isPid(String name) {
    return !name.isEmpty() && name.chars().allMatch(Character::isDigit);
  }

  /** A {@code /proc/<pid>/stat} line; fields after the command name (which may hold spaces) start after the last ')'. */
  static Proc parse(String stat) {
    int close = stat.lastIndexOf(')');
    if (close < 0) {
      return null;
    }
    long pid = Long.parseLong(stat.substring(0, stat.indexOf(' ')).trim());
    String[] f = stat.substring(close + 2).split(" ");
    if (f[0].equals("Z") || f[0].equals("X")) {
      return null; // dead, not reaped: uses nothing
    }
    return new Proc(pid, Long.parseLong(f[1]), Long.parseLong(f[3]), Long.parseLong(f[11]), Long.parseLong(f[12]),
        Long.parseLong(f[21]));
  }

  /**
   * What the process {@code root}, its descendants and, when it leads a session (started through
   * setsid), the rest of its session use; null when it is not in the table.
   */
  public ProcessTreeUsage usageOf(long root) {
    Proc r = byPid.get(root);
    if (r == null) {
      return null;
    }
    Set<Long> tree = new HashSet<>();
    Deque<Long> todo = new ArrayDeque<>();
    todo.add(root);
    if (r.session() == root) {
      for (Proc p : byPid.values()) {
        if (p.session() == root) {
          todo.add(p.pid());
        }
      }
    }
    while (!todo.isEmpty()) {
      long pid = todo.poll();
      if (tree.add(pid)) {
        todo.addAll(children.getOrDefault(pid, List.of()));
      }
    }
    long user = 0;
    long system = 0;
    long rss = 0;
    for (long pid : tree) {
      Proc p = byPid.get(pid);
      user += p.utimeTicks();
      system += p.stimeTicks();
      rss += p.rssPages();
    }
    return new ProcessTreeUsage(tree.size(), Math.round(user / TICKS_PER_SECOND * 100) / 100.0,
        Math.round(system / TICKS_PER_SECOND * 100) / 100.0, rss * PAGE_BYTES);
  }

  /** The direct children of {@code pid}. */
  public List<Long> childrenOf(long pid) {
    return children.getOrDefault(pid, List.of());
  }

  public int size() {
    return byPid.size();
  }
}
