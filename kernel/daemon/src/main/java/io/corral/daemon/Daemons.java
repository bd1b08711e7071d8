package io.corral.daemon;

import java.util.concurrent.CountDownLatch;

/** Keeps a daemon command in the foreground until SIGTERM/SIGINT, then runs its cleanup. */
public final class Daemons {
  private Daemons() {}

  /**
   * Blocks until the JVM is asked to stop, or until {@code ends} completes (with the exit code the
   * daemon decided on); {@code cleanup} runs either way. Returns the exit code.
   */
  public static int runUntilStopped(Runnable cleanup, java.util.concurrent.CompletableFuture<Integer> ends) {
    java.util.concurrent.CompletableFuture<Integer> outcome = new java.util.concurrent.CompletableFuture<>();
    Thread hook = new Thread(() -> {
      outcome.complete(0);
      cleanup.run();
    }, "corral-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    ends.whenComplete((code, error) -> outcome.complete(code == null ? 1 : code));
    int code = outcome.join();
    try {
      Runtime.getRuntime().removeShutdownHook(hook); // ended by itself: clean up here instead
      cleanup.run();
    } catch (IllegalStateException e) {
      // the JVM is already shutting down: the hook runs the cleanup
      try {
        hook.join();
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
      }
    }
    return code;
  }

  /** Blocks until the JVM is asked to stop; {@code cleanup} runs in the shutdown hook. */
  public static void runUntilStopped(Runnable cleanup) {
    CountDownLatch stopped = new CountDownLatch(1);
    CountDownLatch cleaned = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      stopped.countDown();
      try {
        cleanup.run();
      } finally {
        cleaned.countDown();
      }
    }, "corral-shutdown"));
    try {
      stopped.await();
      cleaned.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
