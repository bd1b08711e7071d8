package io.corral.agent.isolation;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcTableTest {
  /** A stat line: pid (comm) state ppid pgrp session ... utime(14) stime(15) ... rss(24). */
  private static String stat(long pid, String comm, String state, long ppid, long session, long utime, long stime,
      long rss) {
    StringBuilder s = new StringBuilder(pid + " (" + comm + ") " + state + " " + ppid + " " + pid + " " + session);
    for (int field = 7; field <= 13; field++) {
      s.append(" 0");
    }
    s.append(' ').append(utime).append(' ').append(stime);
    for (int field = 16; field <= 23; field++) {
      s.append(" 0");
    }
    s.append(' ').append(rss).append(" 0 0\n");
    return s.toString();
  }

  private static void proc(Path root, long pid, String line) throws Exception {
    Files.writeString(Files.createDirectories(root.resolve(Long.toString(pid))).resolve("stat"), line);
  }

  @Test
  void sumsATreeWithItsSessionFromOneReadOfTheTable(@TempDir Path root) throws Exception {
    proc(root, 1, stat(1, "init", "S", 0, 1, 1, 1, 1));
    proc(root, 100, stat(100, "java executor", "S", 1, 100, 200, 100, 1000)); // session leader
    proc(root, 101, stat(101, "sh) -c (x", "R", 100, 100, 50, 50, 10)); // a command name with ')' and spaces
    proc(root, 102, stat(102, "sleep", "S", 101, 100, 0, 0, 5));
    proc(root, 103, stat(103, "daemon", "S", 1, 100, 10, 0, 20)); // re-parented, still in the session
    proc(root, 104, stat(104, "gone", "Z", 101, 100, 99, 99, 99)); // a zombie uses nothing
    proc(root, 200, stat(200, "other", "S", 1, 200, 7, 7, 7));
    Files.createDirectories(root.resolve("self"));

    ProcTable table = ProcTable.read(root);

    assertThat(table.size()).isEqualTo(6);
    ProcessTreeUsage u = table.usageOf(100);
    assertThat(u.processes()).isEqualTo(4);
    assertThat(u.cpuUserSeconds()).isEqualTo(2.6);
    assertThat(u.cpuSystemSeconds()).isEqualTo(1.5);
    assertThat(u.rssBytes()).isEqualTo((1000 + 10 + 5 + 20) * 4096L);
    assertThat(table.usageOf(101).processes()).as("not a session leader: only its descendants").isEqualTo(2);
    assertThat(table.childrenOf(100)).containsExactly(101L);
    assertThat(table.usageOf(999)).isNull();
  }

  @Test
  void readsThisHostsTable() {
    ProcTable table = ProcTable.read();
    ProcessTreeUsage self = table.usageOf(ProcessHandle.current().pid());
    assertThat(self).isNotNull();
    assertThat(self.rssBytes()).isGreaterThan(1 << 20);
  }
}
