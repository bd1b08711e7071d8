package io.corral.agent.isolation;

import io.corral.common.process.ProcessTable;
import java.nio.file.Path;
import java.util.List;

/**
 * One read of the process table ({@code /proc/<pid>/stat} of every process), from which the usage
 * of many process trees is summed without reading it again: the posix isolators measure every
 * executor from one table per watch interval. Immutable.
 */
public final class ProcTable {
  private static final long PAGE_BYTES = 4096;
  private static final double TICKS_PER_SECOND = 100.0; // USER_HZ on every Linux the agent runs on

  private final ProcessTable table;

  private ProcTable(ProcessTable table) {
    this.table = table;
  }

  /** The table now; empty where there is no {@code /proc}. */
  public static ProcTable read() {
    return new ProcTable(ProcessTable.read());
  }

  static ProcTable read(Path proc) {
    return new ProcTable(ProcessTable.read(proc));
  }

  /**
   * What the process {@code root}, its descendants and, when it leads a session (started through
   * setsid), the rest of its session use; null when it is not in the table.
   */
  public ProcessTreeUsage usageOf(long root) {
    if (table.get(root).isEmpty()) {
      return null;
    }
    long user = 0;
    long system = 0;
    long rss = 0;
    int processes = 0;
    for (long pid : table.treeOf(root)) {
      ProcessTable.Entry p = table.get(pid).orElseThrow();
      user += p.utimeTicks();
      system += p.stimeTicks();
      rss += p.rssPages();
      processes++;
    }
    return new ProcessTreeUsage(processes, Math.round(user / TICKS_PER_SECOND * 100) / 100.0,
        Math.round(system / TICKS_PER_SECOND * 100) / 100.0, rss * PAGE_BYTES);
  }

  /** The direct children of {@code pid}. */
  public List<Long> childrenOf(long pid) {
    return table.childrenOf(pid);
  }

  public int size() {
    return table.size();
  }
}
