package io.corral.services;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.corral.frameworks.common.store.Entry;
import io.corral.frameworks.common.store.StateStore;
import io.corral.frameworks.common.store.StateStoreException;
import io.corral.frameworks.common.store.Transaction;
import io.corral.frameworks.common.store.WorkDirStateStore;
import io.corral.services.app.ServiceException;
import io.corral.services.engine.KeyValue.Write;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The engine's records in a real work-dir store, and what a write that fails does. */
class StoreKeyValueTest {
  @TempDir Path dir;
  private final List<String> failures = new ArrayList<>();

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aBatchIsOneTransactionInWhichTheLastWriteOfAKeyWins() throws Exception {
    try (WorkDirStateStore store = WorkDirStateStore.open(dir)) {
      StoreKeyValue kv = new StoreKeyValue(store, failures::add);
      kv.write(List.of(new Write("apps/web", bytes("v1")), new Write("instances/web.1", bytes("staging")),
          new Write("apps/web", bytes("v2")), new Write("instances/web.1", null), new Write("instances/web.2",
              bytes("running"))));
      assertThat(kv.children("apps")).containsExactly("web");
      assertThat(kv.get("apps/web")).asString().isEqualTo("v2");
      assertThat(kv.children("instances")).containsExactly("web.2");
      assertThat(kv.get("instances/web.1")).isNull();
      assertThat(kv.children("deployments")).isEmpty();
      kv.write(List.of(new Write("instances/web.2", null), new Write("instances/gone", null)));
      assertThat(kv.children("instances")).isEmpty();
    }
    assertThat(failures).isEmpty();
  }

  @Test
  void moreThanAStoreTakesAtOnceIsWrittenInPieces() throws Exception {
    try (WorkDirStateStore store = WorkDirStateStore.open(dir)) {
      StoreKeyValue kv = new StoreKeyValue(store, failures::add);
      List<Write> writes = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        writes.add(new Write("instances/web." + i, new byte[400_000]));
      }
      kv.write(writes);
      assertThat(kv.children("instances")).hasSize(5);
    }
    assertThat(failures).isEmpty();
  }

  @Test
  void aWriteThatFailsEndsTheInstanceAndEveryLaterWriteIsRefused() throws Exception {
    try (WorkDirStateStore real = WorkDirStateStore.open(dir)) {
      FailingStore store = new FailingStore(real);
      StoreKeyValue kv = new StoreKeyValue(store, failures::add);
      kv.write(List.of(new Write("apps/web", bytes("v1"))));
      store.failing = true;
      assertThatThrownBy(() -> kv.write(List.of(new Write("apps/web", bytes("v2")))))
          .isInstanceOfSatisfying(ServiceException.class, e -> assertThat(e.status()).isEqualTo(503))
          .hasMessageContaining("the disk is full");
      assertThat(failures).singleElement().asString().contains("the disk is full")
          .contains("the next leader carries on from the stored state");
      store.failing = false;
      assertThatThrownBy(() -> kv.write(List.of(new Write("apps/other", bytes("v1")))))
          .as("the engine's memory is ahead of the store: nothing more is written")
          .isInstanceOf(ServiceException.class);
      assertThat(kv.get("apps/web")).asString().isEqualTo("v1");
      assertThat(kv.get("apps/other")).isNull();
      assertThat(failures).as("told once").hasSize(1);
    }
  }

  /** A store whose changes fail while {@link #failing}, as a full disk or a lost ZooKeeper make them. */
  private static final class FailingStore implements StateStore {
    private final StateStore store;
    volatile boolean failing;

    FailingStore(StateStore store) {
      this.store = store;
    }

    @Override
    public Optional<Entry> get(String key) throws StateStoreException {
      return store.get(key);
    }

    @Override
    public List<String> children(String key) throws StateStoreException {
      return store.children(key);
    }

    @Override
    public int put(String key, byte[] value, int expectedVersion) throws StateStoreException {
      check();
      return store.put(key, value, expectedVersion);
    }

    @Override
    public void commit(Transaction transaction) throws StateStoreException {
      check();
      store.commit(transaction);
    }

    private void check() throws StateStoreException {
      if (failing) {
        throw new StateStoreException(StateStoreException.Reason.FAILED, "the disk is full");
      }
    }

    @Override
    public String where() {
      return store.where();
    }

    @Override
    public void close() {}
  }
}
