package io.corral.master.preemption;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Where the leading master keeps the preemption notices it sent and has not carried out, so that a
 * successor kills the same tasks at the same deadlines: ZooKeeper with {@code --zk}, else a file in
 * the master's work dir.
 */
public interface NoticeStore {
  /** The notices last saved; empty if none ever were. */
  List<Notice> load() throws IOException;

  /** Saves the notices whole; saves complete in the order they were asked for. */
  CompletableFuture<Void> save(List<Notice> notices);

  /** Notices kept only in memory (a master core given no store). */
  static NoticeStore inMemory() {
    return new NoticeStore() {
      private volatile List<Notice> saved = List.of();

      @Override
      public List<Notice> load() {
        return saved;
      }

      @Override
      public CompletableFuture<Void> save(List<Notice> notices) {
        saved = List.copyOf(notices);
        return CompletableFuture.completedFuture(null);
      }
    };
  }
}
