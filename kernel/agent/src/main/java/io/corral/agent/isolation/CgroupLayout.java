package io.corral.agent.isolation;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Where each cgroup controller of this host lives, as this process sees it: for every controller,
 * its hierarchy's version (1 or 2), where that hierarchy is mounted, and this process's own cgroup
 * in it. Hosts mix versions (this one has v1 controllers under {@code /sys/fs/cgroup/<controller>}
 * and a cgroup2 mount at {@code /sys/fs/cgroup/unified} holding only {@code hugetlb}), so the
 * version is per controller. Read from {@code /proc/self/mountinfo}, {@code /proc/self/cgroup} and,
 * for v2, the mount's {@code cgroup.controllers}. Immutable.
 */
public record CgroupLayout(Map<String, Hierarchy> controllers) {
  public CgroupLayout {
    controllers = Collections.unmodifiableMap(new TreeMap<>(controllers));
  }

  /**
   * One controller's hierarchy.
   *
   * @param version 1 or 2
   * @param mountPoint where the hierarchy is mounted, e.g. {@code /sys/fs/cgroup/memory}
   * @param ownCgroup this process's cgroup in it as a directory under {@code mountPoint}
   */
  public record Hierarchy(int version, Path mountPoint, Path ownCgroup) {
    /** The directory of the cgroup {@code relative} (e.g. {@code corral/<agent-id>}) below this process's own. */
    public Path below(String relative) {
      return ownCgroup.resolve(relative).normalize();
    }
  }

  /** This process's layout, from {@code /proc/self} (empty where there is no cgroup file system). */
  public static CgroupLayout ofThisProcess() throws IOException {
    Path mountinfo = Path.of("/proc/self/mountinfo");
    Path cgroup = Path.of("/proc/self/cgroup");
    if (!Files.isReadable(mountinfo) || !Files.isReadable(cgroup)) {
      return new CgroupLayout(Map.of());
    }
    return parse(Files.readString(mountinfo), Files.readString(cgroup), Path.of("/"));
  }

  public Optional<Hierarchy> hierarchy(String controller) {
    return Optional.ofNullable(controllers.get(controller));
  }

  /**
   * The layout that {@code mountinfo} and {@code procCgroup} describe; paths are taken below
   * {@code root} (a fake tree in tests; {@code /} for real), where v2 mounts' {@code cgroup.controllers}
   * are read.
   */
  public static CgroupLayout parse(String mountinfo, String procCgroup, Path root) throws IOException {
    Map<String, String> ownV1 = new TreeMap<>();
    String ownV2 = null;
    for (String line : procCgroup.split("\n")) {
      String[] f = line.split(":", 3);
      if (f.length < 3) {
        continue;
      }
      if (f[0].equals("0") && f[1].isEmpty()) {
        ownV2 = f[2];
      } else {
        for (String c : f[1].split(",")) {
          if (!c.isEmpty()) {
            ownV1.put(c, f[2]);
          }
        }
      }
    }
    Map<String, Hierarchy> out = new TreeMap<>();
    Map<String, Hierarchy> v2 = new TreeMap<>();
    for (String line : mountinfo.split("\n")) {
      MountLine m = MountLine.parse(line);
      if (m == null) {
        continue;
      }
      Path mountPoint = root.resolve(m.mountPoint.substring(1));
      if (m.fsType.equals("cgroup")) {
        for (String opt : m.superOptions) {
          String own = ownV1.get(opt);
          if (own != null && !opt.startsWith("name=") && Controllers.isKnown(opt)) {
            out.put(opt, new Hierarchy(1, mountPoint, ownDir(mountPoint, m.root, own)));
          }
        }
      } else if (m.fsType.equals("cgroup2") && ownV2 != null) {
        Path list = mountPoint.resolve("cgroup.controllers");
        String enabled = Files.isReadable(list) ? Files.readString(list).trim() : "";
        for (String c : enabled.split("\\s+")) {
          if (!c.isEmpty()) {
            v2.put(c, new Hierarchy(2, mountPoint, ownDir(mountPoint, m.root, ownV2)));
          }
        }
      }
    }
    v2.forEach(out::putIfAbsent); // a controller bound to a v1 hierarchy is not usable in v2
    return new CgroupLayout(out);
  }

  /**
   * This process's cgroup as a directory: its path in {@code /proc/self/cgroup} is relative to the
   * hierarchy's root, of which the mount shows the part below {@code mountRoot} (a container sees
   * only its own subtree).
   */
  private static Path ownDir(Path mountPoint, String mountRoot, String own) {
    String rel = own;
    if (!mountRoot.equals("/") && (own.equals(mountRoot) || own.startsWith(mountRoot + "/"))) {
      rel = own.substring(mountRoot.length());
    }
    rel = rel.startsWith("/") ? rel.substring(1) : rel;
    return rel.isEmpty() ? mountPoint : mountPoint.resolve(rel);
  }

  /** The fields of a {@code /proc/self/mountinfo} line this needs. */
  private record MountLine(String root, String mountPoint, String fsType, List<String> superOptions) {
    static MountLine parse(String line) {
      String[] halves = line.split(" - ", 2);
      if (halves.length < 2) {
        return null;
      }
      String[] left = halves[0].split(" ");
      String[] right = halves[1].split(" ");
      if (left.length < 5 || right.length < 3) {
        return null;
      }
      return new MountLine(unescape(left[3]), unescape(left[4]), right[0], Arrays.asList(right[2].split(",")));
    }

    /** mountinfo writes spaces, tabs, newlines and backslashes in paths as octal escapes. */
    private static String unescape(String s) {
      return s.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n").replace("\\134", "\\");
    }
  }
}
