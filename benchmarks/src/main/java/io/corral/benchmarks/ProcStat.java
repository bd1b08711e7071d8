package io.corral.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A process's CPU time and memory as Linux reports them in {@code /proc/<pid>}: its own CPU time
 * (user + system, all its threads), that of its children it has reaped (a probe process that ended),
 * its resident set, and optionally its threads' CPU time grouped by name (digits dropped, so a pool's
 * threads add up).
 */
record ProcStat(long pid, long cpuNanos, long reapedChildrenCpuNanos, long rssBytes, Map<String, Long> threads) {
  /** Clock ticks per second, in which {@code /proc/<pid>/stat} counts CPU time. */
  private static final long TICKS = clockTicks();

  /** The process now; empty if it is gone. */
  static Optional<ProcStat> read(long pid, boolean withThreads) {
    Path proc = Path.of("/proc", Long.toString(pid));
    try {
      String[] f = fieldsAfterName(Files.readString(proc.resolve("stat")));
      // stat fields from 3 (state) on: utime is field 14, stime 15, cutime 16, cstime 17.
      long cpu = ticksToNanos(Long.parseLong(f[11]) + Long.parseLong(f[12]));
      long children = ticksToNanos(Long.parseLong(f[13]) + Long.parseLong(f[14]));
      long rss = Files.readAllLines(proc.resolve("status")).stream().filter(l -> l.startsWith("VmRSS:"))
          .findFirst().map(l -> Long.parseLong(l.replaceAll("\\D", "")) * 1024).orElse(0L);
      return Optional.of(new ProcStat(pid, cpu, children, rss, withThreads ? threads(proc) : Map.of()));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** Its command line, words joined by spaces; empty if it is gone. */
  static String commandLine(long pid) {
    try {
      return Files.readString(Path.of("/proc", Long.toString(pid), "cmdline")).replace('\0', ' ').trim();
    } catch (IOException e) {
      return "";
    }
  }

  /** The working directory of a process, if it is still there. */
  static Optional<Path> workingDirectory(long pid) {
    try {
      return Optional.of(Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "cwd")));
    } catch (IOException | UnsupportedOperationException e) {
      return Optional.empty();
    }
  }

  /** CPU time of each thread group ("HttpClient-#-SelectorMan", "VM Thread"). */
  private static Map<String, Long> threads(Path proc) throws IOException {
    Map<String, Long> out = new HashMap<>();
    try (Stream<Path> tasks = Files.list(proc.resolve("task"))) {
      for (Path task : tasks.toList()) {
        try {
          String stat = Files.readString(task.resolve("stat"));
          String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replaceAll("\\d+", "#");
          String[] f = fieldsAfterName(stat);
          out.merge(name, ticksToNanos(Long.parseLong(f[11]) + Long.parseLong(f[12])), Long::sum);
        } catch (IOException | RuntimeException gone) {
          // the thread ended
        }
      }
    }
    return out;
  }

  /** The stat fields after {@code (comm)}, which may itself hold spaces and parentheses. */
  private static String[] fieldsAfterName(String stat) {
    return stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
  }

  private static long ticksToNanos(long ticks) {
    return ticks * 1_000_000_000L / TICKS;
  }

  private static long clockTicks() {
    try {
      Process p = new ProcessBuilder(List.of("getconf", "CLK_TCK")).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes()).trim();
      return p.waitFor() == 0 ? Long.parseLong(out) : 100;
    } catch (IOException | RuntimeException e) {
      return 100;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 100;
    }
  }
}
