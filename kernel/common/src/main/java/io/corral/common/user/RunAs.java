package io.corral.common.user;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs a process as another user: its argv is prefixed with util-linux {@code setpriv}, which sets
 * the real and effective user and group ids and the user's supplementary groups, and drops every
 * inheritable capability before it execs the command. Put innermost: the {@code /bin/sh} that enters
 * cgroups ({@link io.corral.common.process.CgroupEntry}) needs root to write their {@code cgroup.procs}.
 *
 * <p>Only a root process switches users; running as the user one already is (root's tasks under a
 * root agent) is no switch at all, so nothing changes where no one asked for another user.
 */
public final class RunAs {
  /** Exit status when the sandbox could not be given to the user (nothing of the command ran). */
  public static final int CANNOT_SWITCH = 125;
  private static final String SETPRIV = find("setpriv");
  private static final long EUID = readEffectiveUid();

  private RunAs() {}

  /**
   * The account a process started for {@code user} switches to, or empty for no switch: when
   * {@code user} is empty, switching is off, this process is not root, or it already is that user.
   *
   * @throws UnknownUserException if a switch is due and the host has no such user
   * @throws IOException if the user could not be looked up
   */
  public static Optional<UserAccount> resolve(String user, boolean switchUsers) throws IOException {
    if (user.isEmpty() || !switchUsers || EUID != 0 || user.equals(System.getProperty("user.name"))) {
      return Optional.empty(); // the last: root's own tasks, the common case, need no look-up
    }
    UserAccount account = UserAccount.lookup(user).orElseThrow(() -> new UnknownUserException(user));
    return account.uid() == EUID ? Optional.empty() : Optional.of(account);
  }

  /**
   * {@code argv} prefixed so that it runs as {@code user} in {@code sandbox}: a root {@code /bin/sh}
   * gives the sandbox directory to the user (its content is the user's already, see
   * {@link PrivateSandbox#prepare}), then {@code setpriv} switches and execs the command. The
   * directory changes hands only there, once the process's {@code stdout} and {@code stderr} are
   * open: until then no process of the user can put a link in their place for root to write through.
   * If the directory cannot be given away, exits with {@value #CANNOT_SWITCH} and says why on stderr.
   */
  public static List<String> wrap(UserAccount user, Path sandbox, List<String> argv) {
    List<String> out = new ArrayList<>(argv.size() + 12);
    out.add("/bin/sh");
    out.add("-c");
    out.add("chown -h -- \"$1\" \"$2\" || { echo \"corral: cannot give $2 to user $1\" >&2; exit "
        + CANNOT_SWITCH + "; }; shift 2; exec \"$@\"");
    out.add("corral-run-as");
    out.add(user.uid() + ":" + user.gid());
    out.add(sandbox.toAbsolutePath().toString()); // the shell runs in the sandbox: a relative path would miss
    out.addAll(as(user, argv));
    return out;
  }

  /**
   * {@code argv} prefixed with {@code setpriv} alone, so that it runs as {@code user}, with the user's
   * groups and no inheritable capabilities, and touches nothing on the way (for processes that have
   * no sandbox of their own, such as the fetcher reading a local file with the user's permissions).
   */
  public static List<String> as(UserAccount user, List<String> argv) {
    if (SETPRIV == null) {
      throw new IllegalStateException("setpriv (util-linux) is not installed: cannot run as user '"
          + user.name() + "'");
    }
    List<String> out = new ArrayList<>(argv.size() + 6);
    out.add(SETPRIV);
    out.add("--reuid=" + user.uid());
    out.add("--regid=" + user.gid());
    out.add("--init-groups");
    out.add("--inh-caps=-all");
    out.add("--");
    out.addAll(argv);
    return out;
  }

  /** {@code argv} as it runs for {@code user} in {@code sandbox}: unchanged without a switch. */
  public static List<String> wrap(Optional<UserAccount> user, Path sandbox, List<String> argv) {
    return user.isPresent() ? wrap(user.get(), sandbox, argv) : argv;
  }

  /** Sets what a login would for {@code user}: {@code HOME}, {@code USER} and {@code LOGNAME}. */
  public static void environment(UserAccount user, Map<String, String> env) {
    env.put("HOME", user.home());
    env.put("USER", user.name());
    env.put("LOGNAME", user.name());
  }

  /** Whether this process runs as root (effective uid 0), the only case where it switches users. */
  public static boolean isRoot() {
    return EUID == 0;
  }

  /** The effective user id of this process (-1 if {@code /proc} does not tell). */
  public static long effectiveUid() {
    return EUID;
  }

  private static long readEffectiveUid() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("Uid:")) {
          return Long.parseLong(line.substring(4).trim().split("\\s+")[1]);
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux: never root as far as switching users goes
    }
    return -1;
  }

  private static String find(String program) {
    for (String dir : List.of("/usr/bin", "/bin", "/usr/sbin", "/sbin")) {
      Path p = Path.of(dir, program);
      if (Files.isExecutable(p)) {
        return p.toString();
      }
    }
    return null;
  }
}
