package io.corral.common.process;

import java.util.ArrayList;
import java.util.List;

/**
 * Starts a command inside cgroups: a {@code /bin/sh} writes its own pid into each given
 * {@code cgroup.procs} file, then execs the command, so that the command and every process it
 * forks are in those cgroups from their first instruction (nothing runs outside, not even for a
 * moment). If it cannot enter one, it exits with {@value #CANNOT_ENTER} and says why on stderr.
 */
public final class CgroupEntry {
  /** Exit status when a cgroup could not be entered. */
  public static final int CANNOT_ENTER = 125;

  private CgroupEntry() {}

  /** {@code argv} prefixed so that it runs inside the cgroups of {@code procsFiles} (unchanged if none). */
  public static List<String> wrap(List<String> procsFiles, List<String> argv) {
    if (procsFiles.isEmpty()) {
      return argv;
    }
    StringBuilder script = new StringBuilder();
    for (int i = 1; i <= procsFiles.size(); i++) {
      script.append("echo $$ > \"$").append(i).append("\" || { echo \"corral: cannot enter cgroup $")
          .append(i).append("\" >&2; exit ").append(CANNOT_ENTER).append("; }; ");
    }
    script.append("shift ").append(procsFiles.size()).append("; exec \"$@\"");
    List<String> out = new ArrayList<>(argv.size() + procsFiles.size() + 4);
    out.add("/bin/sh");
    out.add("-c");
    out.add(script.toString());
    out.add("corral-cgroup-entry");
    out.addAll(procsFiles);
    out.addAll(argv);
    return out;
  }

  /** The files of {@link io.corral.common.Env#CGROUP_PROCS}'s value (empty for null or empty). */
  public static List<String> parse(String envValue) {
    List<String> out = new ArrayList<>();
    if (envValue != null) {
      for (String f : envValue.split(":")) {
        if (!f.isEmpty()) {
          out.add(f);
        }
      }
    }
    return out;
  }
}
