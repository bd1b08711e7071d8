package io.corral.services;

import io.corral.frameworks.common.store.Entry;
import io.corral.frameworks.common.store.StateStore;
import io.corral.frameworks.common.store.StateStoreException;
import io.corral.frameworks.common.store.Transaction;
import io.corral.services.app.ServiceException;
import io.corral.services.engine.KeyValue;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's {@link KeyValue} on the instance's {@link StateStore} (ZooKeeper, or the work dir).
 * A batch of writes is one transaction (the last write of a key wins); a batch larger than a store
 * takes at once is written in pieces, in order.
 *
 * <p>A write that fails means the engine's memory is ahead of its store: {@code failed} is told
 * (once; the instance then ends and the next leader carries on from the store), and this write and
 * every later one throw a {@link ServiceException} (503), so that nothing that assumed the change
 * stored (a launch, say) is carried out.
 */
final class StoreKeyValue implements KeyValue {
  private static final Logger LOG = LoggerFactory.getLogger(StoreKeyValue.class);

  private final StateStore store;
  private final Consumer<String> failed;
  private volatile String failure;

  StoreKeyValue(StateStore store, Consumer<String> failed) {
    this.store = store;
    this.failed = failed;
  }

  @Override
  public List<String> children(String dir) {
    try {
      return store.children(dir);
    } catch (StateStoreException e) {
      throw new IllegalStateException("could not list " + dir + " in " + store.where() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public byte[] get(String path) {
    try {
      return store.get(path).map(Entry::value).orElse(null);
    } catch (StateStoreException e) {
      throw new IllegalStateException("could not read " + path + " in " + store.where() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void write(List<Write> writes) {
    if (failure != null) {
      throw refusal();
    }
    Map<String, byte[]> last = new LinkedHashMap<>();
    for (Write w : writes) {
      last.remove(w.path());
      last.put(w.path(), w.value());
    }
    try {
      List<Transaction> pieces = pieces(last);
      if (pieces.size() > 1) {
        LOG.warn("{} changes of the services' state are more than {} takes at once: stored in {} pieces",
            last.size(), store.where(), pieces.size());
      }
      for (Transaction t : pieces) {
        store.commit(t);
      }
    } catch (StateStoreException | RuntimeException e) {
      failure = "the services' state could not be stored in " + store.where() + ": " + e.getMessage();
      failed.accept(failure + "; this instance stops, and the next leader carries on from the stored state");
      throw refusal();
    }
  }

  private ServiceException refusal() {
    return new ServiceException(503, failure + "; this instance stops: try again in a moment (on the next leader)");
  }

  /** The writes as transactions of at most what a store takes at once. */
  private static List<Transaction> pieces(Map<String, byte[]> writes) {
    List<Transaction> out = new ArrayList<>();
    Transaction t = new Transaction();
    long bytes = 0;
    for (Map.Entry<String, byte[]> w : writes.entrySet()) {
      long size = w.getKey().length() + (w.getValue() == null ? 0 : w.getValue().length);
      if (!t.isEmpty() && bytes + size > StateStore.MAX_VALUE_BYTES) {
        out.add(t);
        t = new Transaction();
        bytes = 0;
      }
      if (w.getValue() == null) {
        t.delete(w.getKey());
      } else {
        t.put(w.getKey(), w.getValue());
      }
      bytes += size;
    }
    if (!t.isEmpty()) {
      out.add(t);
    }
    return out;
  }
}
