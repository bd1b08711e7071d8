package io.corral.fetcher;

import io.corral.common.user.RunAs;
import io.corral.common.user.UserAccount;
import java.io.IOException;
import java.util.Objects;
import java.util.Optional;

/**
 * Whom a fetch is for: the user the executor or task runs as, and whether local files are read
 * with that user's permissions. Mesos runs its fetcher as the task's user; so does an agent that
 * switches users (root, {@code --switch-user}): it never opens a {@code file://} source for a user
 * itself. An agent that does not switch reads them as itself, as the task would.
 *
 * @param name the user the executor or task runs as (empty: the agent's); part of the cache key
 * @param switching whether the agent runs processes as their users (root with {@code --switch-user})
 */
public record FetchUser(String name, boolean switching) {

  public FetchUser {
    Objects.requireNonNull(name, "name");
  }

  /** A fetch for {@code name}'s sandbox by an agent that does not switch users: it reads as itself. */
  public static FetchUser agent(String name) {
    return new FetchUser(name, false);
  }

  /**
   * The account local files are read as, or empty to read them as the agent: when it does not
   * switch, is not root, or the user is the agent's own ({@link RunAs#resolve}). Looks the user up.
   *
   * @throws io.corral.common.user.UnknownUserException if the host has no such user
   */
  Optional<UserAccount> reader() throws IOException {
    return RunAs.resolve(name, switching);
  }
}
