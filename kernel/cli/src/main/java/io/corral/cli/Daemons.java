package io.corral.cli;

import java.util.concurrent.CountDownLatch;

/** Keeps a daemon command in the foreground until SIGTERM/SIGINT, then runs its cleanup. */
final class Daemons {
  private Daemons() {}

  /** Blocks until the JVM is asked to stop; {@code cleanup} runs in the shutdown hook. */
  static void runUntilStopped(Runnable cleanup) {
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
