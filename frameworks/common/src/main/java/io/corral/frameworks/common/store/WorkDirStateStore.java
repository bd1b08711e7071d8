package io.corral.frameworks.common.store;

import io.corral.common.io.AtomicFiles;
import io.corral.frameworks.common.store.StateStoreException.Reason;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link StateStore} in files under {@code <work-dir>/state/}, for an instance that runs without
 * ZooKeeper (and so alone): one directory per key ({@code apps/eng/web} is {@code state/apps/eng/web/}),
 * its value in a file {@value #VALUE} there, written durably and atomically ({@link AtomicFiles}).
 * A transaction of several changes goes through a {@link Journal}, so it lands whole after a crash.
 *
 * <p>A lock file ({@value #LOCK}) keeps a second instance from using the same work dir: it refuses
 * to start. Versions are counted in memory from the opening (each value read is at version 0 then):
 * only this instance writes here, so they hold for as long as it runs.
 */
public final class WorkDirStateStore implements StateStore {
  private static final Logger LOG = LoggerFactory.getLogger(WorkDirStateStore.class);
  static final String VALUE = ".value";
  static final String LOCK = ".lock";
  static final String JOURNAL = ".journal";

  private final Path root;
  private final WorkDirLock lock;
  /** Versions of the keys changed since the opening; a value not here is at version 0. Guarded by this. */
  private final Map<String, Integer> versions = new HashMap<>();

  private WorkDirStateStore(Path root, WorkDirLock lock) {
    this.root = root;
    this.lock = lock;
  }

  /** Opens (making it if needed) the state of {@code workDir}, or fails when another instance has it. */
  public static WorkDirStateStore open(Path workDir) throws StateStoreException {
    Path root = workDir.toAbsolutePath().resolve("state");
    WorkDirLock lock = WorkDirLock.acquire(root.resolve(LOCK), root.toString());
    WorkDirStateStore store = new WorkDirStateStore(root, lock);
    try {
      store.finishInterrupted();
    } catch (StateStoreException e) {
      lock.close();
      throw e;
    }
    return store;
  }

  /** Makes the changes of a transaction that a crash interrupted. */
  private void finishInterrupted() throws StateStoreException {
    Path journal = root.resolve(JOURNAL);
    try {
      List<Transaction.Op> ops = Journal.read(journal);
      if (!ops.isEmpty()) {
        for (Transaction.Op op : ops) {
          apply(op);
        }
        LOG.warn("{}: made the {} changes of a transaction a crash had interrupted", root, ops.size());
      }
      Journal.clear(journal);
    } catch (IOException e) {
      throw new StateStoreException(Reason.FAILED, "cannot finish the transaction left in " + journal + ": "
          + e.getMessage(), e);
    }
  }

  private Path dir(String key) {
    Path p = root;
    for (String name : Keys.encoded(key)) {
      p = p.resolve(name);
    }
    return p;
  }

  @Override
  public synchronized Optional<Entry> get(String key) throws StateStoreException {
    try {
      byte[] value = Files.readAllBytes(dir(Keys.check(key)).resolve(VALUE));
      return Optional.of(new Entry(value, versions.getOrDefault(key, 0)));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw failed("read " + key, e);
    }
  }

  @Override
  public synchronized List<String> children(String key) throws StateStoreException {
    Path dir = key.isEmpty() ? root : dir(Keys.check(key));
    List<String> out = new ArrayList<>();
    try (Stream<Path> entries = Files.list(dir)) {
      for (Path p : (Iterable<Path>) entries::iterator) {
        String name = p.getFileName().toString();
        if (!name.startsWith(".") && Files.isDirectory(p) && holdsAnything(p)) {
          out.add(Keys.decode(name));
        }
      }
    } catch (NoSuchFileException e) {
      return List.of();
    } catch (IOException e) {
      throw failed("list " + (key.isEmpty() ? "the top" : key), e);
    }
    out.sort(Comparator.naturalOrder());
    return out;
  }

  /** Whether a key's directory holds a value or keys below it (one a crash left half-pruned does not). */
  private static boolean holdsAnything(Path dir) throws IOException {
    if (Files.exists(dir.resolve(VALUE))) {
      return true;
    }
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.anyMatch(p -> !p.getFileName().toString().startsWith(".") && Files.isDirectory(p));
    }
  }

  @Override
  public synchronized int put(String key, byte[] value, int expectedVersion) throws StateStoreException {
    Transaction.Put put = new Transaction.Put(key, value, expectedVersion);
    Sizes.checkValue(key, value);
    check(put);
    apply(put);
    return versions.get(key);
  }

  @Override
  public synchronized void commit(Transaction transaction) throws StateStoreException {
    if (transaction.isEmpty()) {
      return;
    }
    Sizes.check(transaction);
    List<Transaction.Op> ops = transaction.ops();
    for (Transaction.Op op : ops) {
      if (op instanceof Transaction.Put p) {
        check(p);
      }
    }
    if (ops.size() == 1) {
      apply(ops.get(0));
      return;
    }
    Path journal = root.resolve(JOURNAL);
    try {
      Journal.write(journal, ops);
    } catch (IOException e) {
      throw failed("write a transaction", e);
    }
    if (ops.stream().allMatch(op -> op instanceof Transaction.Put)) {
      putAll(ops); // an engine's launches: hundreds of values, synced together
    } else {
      for (Transaction.Op op : ops) {
        apply(op);
      }
    }
    try {
      Journal.clear(journal);
    } catch (IOException e) {
      throw failed("end a transaction (its changes are made)", e);
    }
  }

  /** Refuses a put whose expected version is not the key's. */
  private void check(Transaction.Put p) throws StateStoreException {
    int expected = p.expectedVersion();
    if (expected == ANY_VERSION) {
      return;
    }
    boolean exists = Files.exists(dir(p.key()).resolve(VALUE));
    int current = exists ? versions.getOrDefault(p.key(), 0) : ABSENT;
    if (current != expected) {
      throw new StateStoreException(Reason.CONFLICT, expected == ABSENT
          ? p.key() + " already has a value (version " + current + ")"
          : p.key() + " is at " + (exists ? "version " + current : "no version (it has no value)") + ", not " + expected);
    }
  }

  /** Puts (of distinct keys or not: the last value of a key wins) written with one round of syncs. */
  private void putAll(List<Transaction.Op> puts) throws StateStoreException {
    Map<Path, byte[]> files = new LinkedHashMap<>();
    Map<String, Boolean> existed = new LinkedHashMap<>();
    for (Transaction.Op op : puts) {
      Path file = dir(op.key()).resolve(VALUE);
      existed.computeIfAbsent(op.key(), k -> Files.exists(file));
      files.put(file, ((Transaction.Put) op).value());
    }
    try {
      AtomicFiles.writeAll(files);
    } catch (IOException e) {
      throw failed("write " + puts.size() + " values", e);
    }
    for (Transaction.Op op : puts) {
      String key = op.key();
      boolean before = existed.get(key);
      versions.put(key, before || versions.containsKey(key) ? versions.getOrDefault(key, 0) + 1 : 0);
    }
  }

  private void apply(Transaction.Op op) throws StateStoreException {
    String key = op.key();
    Path dir = dir(key);
    try {
      if (op instanceof Transaction.Put p) {
        Path file = dir.resolve(VALUE);
        boolean existed = Files.exists(file);
        AtomicFiles.write(file, p.value());
        versions.put(key, existed ? versions.getOrDefault(key, 0) + 1 : 0);
      } else if (Files.exists(dir)) {
        try (Stream<Path> tree = Files.walk(dir)) {
          for (Path p : tree.sorted(Comparator.reverseOrder()).toList()) {
            Files.delete(p);
          }
        }
        versions.keySet().removeIf(k -> k.equals(key) || k.startsWith(key + "/"));
        prune(dir.getParent());
      }
    } catch (IOException e) {
      throw failed((op instanceof Transaction.Put ? "write " : "delete ") + key, e);
    }
  }

  /** Deletes the directories above a deleted key that hold nothing any more, and syncs the first one that stays. */
  private void prune(Path dir) throws IOException {
    Path p = dir;
    while (!p.equals(root) && isEmpty(p)) {
      Files.delete(p);
      p = p.getParent();
    }
    AtomicFiles.syncDirectory(p);
  }

  private static boolean isEmpty(Path dir) throws IOException {
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.findAny().isEmpty();
    }
  }

  private StateStoreException failed(String what, IOException e) {
    return new StateStoreException(Reason.FAILED, "could not " + what + " in " + root + ": " + e.getMessage(), e);
  }

  @Override
  public String where() {
    return root.toString();
  }

  @Override
  public synchronized void close() {
    lock.close();
  }
}
