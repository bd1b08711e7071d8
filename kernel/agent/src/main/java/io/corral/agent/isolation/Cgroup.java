package io.corral.agent.isolation;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * One cgroup: a directory in one controller's hierarchy (v1 or v2). Creates it, writes its control
 * files, puts processes in it, lists them, kills them all and removes it. Blocking file I/O: call it
 * off the agent's loop.
 */
public final class Cgroup {
  private final int version;
  private final Path dir;

  private Cgroup(int version, Path dir) {
    this.version = version;
    this.dir = dir;
  }

  /** The cgroup {@code relative} below this process's own cgroup in {@code h}, created if missing. */
  public static Cgroup create(CgroupLayout.Hierarchy h, String relative, String controller) throws IOException {
    Path dir = h.below(relative);
    if (!dir.startsWith(h.ownCgroup()) || dir.equals(h.ownCgroup())) {
      throw new IllegalArgumentException("a container's cgroup must be below the agent's own: " + relative);
    }
    if (h.version() == 2) {
      // v2 gives a child a controller only when every ancestor below the agent's cgroup delegates it.
      for (Path p = h.ownCgroup(); !p.equals(dir); p = p.resolve(dir.getName(p.getNameCount()))) {
        Files.createDirectories(p);
        enable(p, controller);
      }
    }
    Files.createDirectories(dir);
    return new Cgroup(h.version(), dir);
  }

  /** An existing cgroup (recovery): no check that it exists. */
  public static Cgroup at(int version, Path dir) {
    return new Cgroup(version, dir);
  }

  private static void enable(Path parent, String controller) throws IOException {
    Path control = parent.resolve("cgroup.subtree_control");
    if (Files.exists(control) && !Files.readString(control).contains(controller)) {
      Files.writeString(control, "+" + controller);
    }
  }

  public int version() {
    return version;
  }

  public Path dir() {
    return dir;
  }

  public boolean exists() {
    return Files.isDirectory(dir);
  }

  /** Writes one control file (as the kernel wants it: one value, no trailing newline needed). */
  public void write(String file, String value) throws IOException {
    Files.writeString(dir.resolve(file), value, StandardCharsets.US_ASCII);
  }

  public boolean has(String file) {
    return Files.exists(dir.resolve(file));
  }

  public String read(String file) throws IOException {
    return Files.readString(dir.resolve(file), StandardCharsets.US_ASCII);
  }

  /** A control file holding one number ({@code max} = empty), or empty when it does not exist. */
  public OptionalLong readLong(String file) throws IOException {
    try {
      String v = read(file).trim();
      return v.isEmpty() || v.equals("max") ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(v));
    } catch (NoSuchFileException e) {
      return OptionalLong.empty();
    }
  }

  /** The value of {@code key} in a flat keyed file such as {@code memory.stat} or {@code cpu.stat}. */
  public OptionalLong readKey(String file, String key) throws IOException {
    try {
      for (String line : read(file).split("\n")) {
        int sp = line.indexOf(' ');
        if (sp > 0 && line.substring(0, sp).equals(key)) {
          return OptionalLong.of(Long.parseLong(line.substring(sp + 1).trim()));
        }
      }
    } catch (NoSuchFileException e) {
      // no such statistic on this kernel
    }
    return OptionalLong.empty();
  }

  /** Every key of a flat keyed file such as {@code memory.stat}, from one read; empty when it does not exist. */
  public java.util.Map<String, Long> readKeys(String file) throws IOException {
    java.util.Map<String, Long> out = new java.util.HashMap<>();
    try {
      for (String line : read(file).split("\n")) {
        int sp = line.indexOf(' ');
        if (sp > 0) {
          try {
            out.put(line.substring(0, sp), Long.parseLong(line.substring(sp + 1).trim()));
          } catch (NumberFormatException e) {
            // a line that is not "key number" (v2 pressure files): not a counter
          }
        }
      }
    } catch (NoSuchFileException e) {
      // no such statistic on this kernel
    }
    return out;
  }

  /** Moves a process (and, from then on, every child it forks) into this cgroup. */
  public void addProcess(long pid) throws IOException {
    write("cgroup.procs", Long.toString(pid));
  }

  /** The processes in it now. */
  public List<Long> processes() throws IOException {
    List<Long> pids = new ArrayList<>();
    try {
      for (String line : read("cgroup.procs").split("\n")) {
        if (!line.isBlank()) {
          pids.add(Long.parseLong(line.trim()));
        }
      }
    } catch (NoSuchFileException e) {
      // removed already
    }
    return pids;
  }

  /**
   * Kills every process in it, including those forked while killing: {@code cgroup.kill} where the
   * kernel has it (v2, Linux 5.14+), else SIGKILL to each listed process until none is left.
   * Returns false if some were still there at the deadline.
   */
  public boolean killAll(Duration timeout) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    if (version == 2 && has("cgroup.kill")) {
      write("cgroup.kill", "1");
    }
    while (true) {
      List<Long> pids = processes();
      if (pids.isEmpty()) {
        return true;
      }
      if (System.nanoTime() > deadline) {
        return false;
      }
      for (long pid : pids) {
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
      }
      Thread.sleep(10); // waiting for the kernel to reap them: polling cgroup.procs with a deadline
    }
  }

  /**
   * Kills what is left and removes the directory (and empty child cgroups). Returns false if it
   * could not (processes that would not die, or the directory busy at the deadline).
   */
  public boolean destroy(Duration timeout) throws IOException, InterruptedException {
    if (!exists()) {
      return true;
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    try (var children = Files.list(dir)) {
      for (Path child : children.filter(Files::isDirectory).toList()) {
        Cgroup.at(version, child).destroy(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
      }
    }
    if (!killAll(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())))) {
      return false;
    }
    while (true) {
      try {
        Files.delete(dir); // rmdir: the kernel removes the control files with it
        return true;
      } catch (NoSuchFileException e) {
        return true;
      } catch (IOException e) {
        if (System.nanoTime() > deadline) {
          return false;
        }
        Thread.sleep(10); // the last process is exiting: the kernel frees the cgroup a moment later
      }
    }
  }

  @Override
  public String toString() {
    return dir + " (cgroup v" + version + ")";
  }
}
