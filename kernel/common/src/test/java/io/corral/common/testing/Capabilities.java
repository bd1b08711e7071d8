package io.corral.common.testing;

import io.corral.common.user.RunAs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * What a test needs of the machine (root, a writable cgroup controller, a browser) and does not
 * find. On CI's machine, where {@code CI=true} and the tests run as root with writable cgroup v1,
 * every capability is expected, so a missing one fails the test; anywhere else the test is
 * skipped, with the reason printed (the test output and the report show it).
 *
 * <p>Shared by the modules' tests through corral-common's test jar.
 */
public final class Capabilities {
  private Capabilities() {}

  /** The machine as this rule sees it. */
  public record Machine(boolean ci, boolean root, boolean writableCgroupV1) {
    /** This JVM's machine: {@code CI}, the effective user, {@code /proc/self/mountinfo}. */
    public static Machine current() {
      String mountinfo;
      try {
        mountinfo = Files.readString(Path.of("/proc/self/mountinfo"));
      } catch (IOException e) {
        mountinfo = "";
      }
      return new Machine("true".equalsIgnoreCase(System.getenv("CI")), RunAs.isRoot(), hasWritableCgroupV1(mountinfo));
    }

    /** CI's machine: it has everything the tests may ask for. */
    public boolean expectsEverything() {
      return ci && root && writableCgroupV1;
    }
  }

  /**
   * Whether {@code mountinfo} (the format of {@code /proc/self/mountinfo}) has a cgroup v1
   * hierarchy mounted read-write.
   */
  static boolean hasWritableCgroupV1(String mountinfo) {
    for (String line : mountinfo.split("\n")) {
      int dash = line.indexOf(" - ");
      if (dash < 0) {
        continue;
      }
      String[] mount = line.substring(0, dash).split(" ");
      String[] fs = line.substring(dash + 3).split(" ");
      if (mount.length > 5 && fs.length > 0 && fs[0].equals("cgroup")
          && (mount[5].equals("rw") || mount[5].startsWith("rw,"))) {
        return true;
      }
    }
    return false;
  }

  /**
   * Goes on if {@code present}; otherwise fails {@code test} on CI's machine and skips it
   * elsewhere, printing {@code "<test>: skipped, <reason>"}.
   *
   * @param reason what is missing and what needs it, e.g. "not root: only root switches users"
   */
  public static void require(boolean present, String test, String reason) {
    require(present, test, reason, Machine.current());
  }

  static void require(boolean present, String test, String reason, Machine machine) {
    if (present) {
      return;
    }
    if (machine.expectsEverything()) {
      throw new AssertionError(test + ": " + reason + " (CI=true on a root machine with writable cgroup v1:"
          + " every capability a test needs is expected here)");
    }
    System.out.println(test + ": skipped, " + reason);
    Assumptions.abort(reason);
  }

  /**
   * For one step of a test that can do without it: true if {@code present}; otherwise fails on CI's
   * machine, and elsewhere prints {@code "<test>: the step <step> is skipped, <reason>"} and returns
   * false.
   */
  public static boolean step(boolean present, String test, String step, String reason) {
    return step(present, test, step, reason, Machine.current());
  }

  static boolean step(boolean present, String test, String step, String reason, Machine machine) {
    if (present) {
      return true;
    }
    if (machine.expectsEverything()) {
      throw new AssertionError(test + ": " + step + ": " + reason + " (CI=true on a root machine with writable"
          + " cgroup v1: every capability a test needs is expected here)");
    }
    System.out.println(test + ": the step " + step + " is skipped, " + reason);
    return false;
  }

  /** {@link #require} root: {@code why} says what only root does, e.g. "only root switches users". */
  public static void requireRoot(String test, String why) {
    require(RunAs.isRoot(), test, "not root (euid " + RunAs.effectiveUid() + "): " + why);
  }
}
