package io.corral.common.process;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts children in a session of their own (via util-linux {@code setsid}), so that a
 * Ctrl-C on the terminal of whoever started the agent reaches the agent only, and the agent
 * decides what happens to its executors and their tasks.
 */
public final class Sessions {
  private static final String SETSID = findSetsid();

  private Sessions() {}

  /** The argv, prefixed with setsid when the host has it. */
  public static List<String> inNewSession(List<String> argv) {
    if (SETSID == null) {
      return argv;
    }
    List<String> out = new ArrayList<>(argv.size() + 1);
    out.add(SETSID);
    out.addAll(argv);
    return out;
  }

  private static String findSetsid() {
    for (String dir : List.of("/usr/bin", "/bin", "/usr/sbin", "/sbin")) {
      Path p = Path.of(dir, "setsid");
      if (Files.isExecutable(p)) {
        return p.toString();
      }
    }
    return null;
  }
}
