package io.corral.executor.health;

import java.util.concurrent.CompletableFuture;

/**
 * One kind of check of a task's health. {@link #start} returns at once: the check runs off the
 * caller's thread (an HTTP client's, a worker's, a process's) and hands back its result as a value.
 */
public interface Probe {

  /** What is checked, for messages: "HTTP GET http://127.0.0.1:31000/health", "command". */
  String what();

  /** Starts one check. */
  Run start();

  /**
   * A check under way: its result (it never completes exceptionally: a check that cannot run
   * failed), and how to stop it when it took too long (closing its connection, killing its process).
   */
  record Run(CompletableFuture<CheckResult> result, Runnable cancel) {}
}
