package io.corral.agent.exec;

import io.corral.fetcher.FetchException;
import io.corral.fetcher.FetchUser;
import io.corral.protocol.CommandURI;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/** Fetches URIs into a sandbox before its executor or task starts ({@link SandboxFetcher}; a fake in tests). */
@FunctionalInterface
interface SandboxFetch {
  /**
   * Fetches {@code uris} into {@code dir}, then calls {@code done} on the agent's loop with null, or with
   * the failure. With no URIs, {@code done} runs at once.
   *
   * @param user whom it is for: local files are read with that user's permissions when the agent switches users
   * @param what names the sandbox's owner in logs ("executor f1/e1", "task f1/t1")
   */
  void fetch(List<CommandURI> uris, Path dir, FetchUser user, String what, Consumer<FetchException> done);
}
