package io.corral.common.user;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * An account of this host as the name service knows it ({@code getent passwd}, so LDAP and the like
 * count, not only {@code /etc/passwd}): what a process needs to run as that user.
 *
 * @param name the login name
 * @param uid its user id
 * @param gid the id of its primary group
 * @param home its home directory (may not exist, e.g. {@code /nonexistent})
 */
public record UserAccount(String name, long uid, long gid, String home) {
  private static final long LOOKUP_TIMEOUT_SECONDS = 10;

  /**
   * Looks a user up by name; empty when the host has no such user.
   *
   * @throws IOException if the name service cannot be asked (no {@code getent}, it hangs, it fails)
   */
  public static Optional<UserAccount> lookup(String name) throws IOException {
    if (name.isEmpty() || name.startsWith("-") || name.indexOf('\0') >= 0 || name.indexOf(':') >= 0
        || name.indexOf('\n') >= 0) {
      return Optional.empty(); // no account has such a name (and "-x" would be an option of getent)
    }
    Process p = new ProcessBuilder("getent", "passwd", name).redirectErrorStream(true)
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
    try {
      byte[] out = p.getInputStream().readNBytes(64 * 1024);
      if (!p.waitFor(LOOKUP_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException("looking up user '" + name + "' took more than " + LOOKUP_TIMEOUT_SECONDS + " s");
      }
      return switch (p.exitValue()) {
        case 0 -> parse(new String(out, StandardCharsets.UTF_8).lines().findFirst().orElse(""), name);
        case 2 -> Optional.empty(); // "One or more supplied key could not be found in the database."
        default -> throw new IOException("looking up user '" + name + "': getent exited with status "
            + p.exitValue());
      };
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while looking up user '" + name + "'", e);
    }
  }

  /**
   * The account of a passwd line ({@code name:x:uid:gid:gecos:home:shell}) if it is {@code name}'s
   * (getent also answers a numeric name with the account of that uid: that is not a match).
   */
  static Optional<UserAccount> parse(String line, String name) throws IOException {
    String[] f = line.split(":", -1);
    if (f.length < 7) {
      throw new IOException("unexpected passwd entry for user '" + name + "': " + line);
    }
    if (!f[0].equals(name)) {
      return Optional.empty();
    }
    try {
      return Optional.of(new UserAccount(f[0], Long.parseLong(f[2]), Long.parseLong(f[3]), f[5]));
    } catch (NumberFormatException e) {
      throw new IOException("unexpected passwd entry for user '" + name + "': " + line, e);
    }
  }
}
