package io.corral.frameworks.common.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link StateStore} does, run against each one by a subclass. */
abstract class StateStoreContract {
  StateStore store;

  /** A store on fresh state. */
  abstract StateStore open() throws Exception;

  /** Closes {@link #store} and opens the same state again. */
  abstract StateStore reopen() throws Exception;

  @BeforeEach
  void openStore() throws Exception {
    store = open();
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  static byte[] bytes(String s) {
    return s.getBytes(UTF_8);
  }

  String value(String key) throws StateStoreException {
    return store.get(key).map(e -> new String(e.value(), UTF_8)).orElse(null);
  }

  @Test
  void aKeyWithoutAValueReadsAsEmptyAndHasNoChildren() throws Exception {
    assertThat(store.get("apps/eng/web")).isEmpty();
    assertThat(store.children("")).isEmpty();
    assertThat(store.children("apps")).isEmpty();
  }

  @Test
  void aValueIsReadBackAndEachReplacementRaisesItsVersion() throws Exception {
    int first = store.put("apps/eng/web", bytes("v1"));
    int second = store.put("apps/eng/web", bytes("v2"));
    Optional<Entry> e = store.get("apps/eng/web");
    assertThat(e).isPresent();
    assertThat(new String(e.get().value(), UTF_8)).isEqualTo("v2");
    assertThat(second).isGreaterThan(first).isEqualTo(e.get().version());
    store.put("empty", new byte[0]);
    assertThat(store.get("empty")).hasValueSatisfying(v -> assertThat(v.value()).isEmpty());
  }

  @Test
  void childrenAreTheNamesRightBelowAKeySortedWhetherTheyHaveAValueOrKeysBelow() throws Exception {
    store.put("apps/eng/web", bytes("web"));
    store.put("apps/eng/api", bytes("api"));
    store.put("apps/ops", bytes("ops"));
    store.put("apps/eng", bytes("a group with a value of its own"));
    store.put("deployments/d1", bytes("d1"));
    assertThat(store.children("")).containsExactly("apps", "deployments");
    assertThat(store.children("apps")).containsExactly("eng", "ops");
    assertThat(store.children("apps/eng")).containsExactly("api", "web");
    assertThat(store.children("apps/eng/web")).isEmpty();
    assertThat(value("apps/eng")).isEqualTo("a group with a value of its own");
    assertThat(store.get("apps")).as("a key with keys below it but no value of its own").isEmpty();
  }

  @Test
  void deletingAKeyDeletesWhatIsBelowItAndKeysLeftWithNothingDisappear() throws Exception {
    store.put("apps/eng/web", bytes("web"));
    store.put("apps/eng/web/tasks/t1", bytes("t1"));
    store.put("apps/ops/db", bytes("db"));
    store.delete("apps/eng/web");
    assertThat(store.get("apps/eng/web")).isEmpty();
    assertThat(store.get("apps/eng/web/tasks/t1")).isEmpty();
    assertThat(store.children("apps")).as("apps/eng held nothing but web").containsExactly("ops");
    store.delete("apps/eng/web"); // nothing left to delete: nothing happens
    store.delete("apps/ops/db");
    assertThat(store.children("")).isEmpty();
  }

  @Test
  void aCompareAndSetRefusesAStaleVersionAndAValueWhereNoneWasExpected() throws Exception {
    int v0 = store.put("apps/web", bytes("v1"), StateStore.ABSENT);
    assertThatThrownBy(() -> store.put("apps/web", bytes("again"), StateStore.ABSENT))
        .isInstanceOfSatisfying(StateStoreException.class,
            e -> assertThat(e.reason()).isEqualTo(StateStoreException.Reason.CONFLICT))
        .hasMessageContaining("apps/web already has a value");
    int v1 = store.put("apps/web", bytes("v2"), v0);
    assertThatThrownBy(() -> store.put("apps/web", bytes("stale"), v0))
        .isInstanceOfSatisfying(StateStoreException.class,
            e -> assertThat(e.reason()).isEqualTo(StateStoreException.Reason.CONFLICT));
    assertThatThrownBy(() -> store.put("apps/none", bytes("x"), 0))
        .isInstanceOfSatisfying(StateStoreException.class,
            e -> assertThat(e.reason()).isEqualTo(StateStoreException.Reason.CONFLICT))
        .hasMessageContaining("it has no value");
    assertThat(value("apps/web")).isEqualTo("v2");
    assertThat(store.get("apps/web").orElseThrow().version()).isEqualTo(v1);
    assertThat(store.get("apps/none")).isEmpty();
  }

  @Test
  void aTransactionLandsWhole() throws Exception {
    store.put("deployments/old", bytes("finished"));
    store.commit(new Transaction().put("apps/eng/web", bytes("app v2")).put("deployments/d2", bytes("web to v2"))
        .delete("deployments/old"));
    assertThat(value("apps/eng/web")).isEqualTo("app v2");
    assertThat(value("deployments/d2")).isEqualTo("web to v2");
    assertThat(store.children("deployments")).containsExactly("d2");
  }

  @Test
  void aTransactionOfManyPutsLandsWithEachVersionRaised() throws Exception {
    int before = store.put("instances/web/0", bytes("staging"));
    Transaction launches = new Transaction().put("instances/web/0", bytes("running"), before);
    for (int i = 1; i < 300; i++) {
      launches.put("instances/web/" + i, bytes("staging " + i), StateStore.ABSENT);
    }
    store.commit(launches);

    assertThat(store.children("instances/web")).hasSize(300);
    assertThat(value("instances/web/0")).isEqualTo("running");
    assertThat(value("instances/web/299")).isEqualTo("staging 299");
    Entry replaced = store.get("instances/web/0").orElseThrow();
    assertThat(replaced.version()).isGreaterThan(before);
    int fresh = store.get("instances/web/7").orElseThrow().version();
    assertThat(store.put("instances/web/7", bytes("running 7"), fresh)).isGreaterThan(fresh);
  }

  @Test
  void aTransactionWithAConflictChangesNothing() throws Exception {
    int v = store.put("apps/eng/web", bytes("app v1"));
    store.put("apps/eng/web", bytes("app v1, changed meanwhile"));
    assertThatThrownBy(() -> store.commit(new Transaction().put("deployments/d2", bytes("web to v2"))
        .put("apps/eng/web", bytes("app v2"), v)))
        .isInstanceOfSatisfying(StateStoreException.class,
            e -> assertThat(e.reason()).isEqualTo(StateStoreException.Reason.CONFLICT));
    assertThat(store.get("deployments/d2")).isEmpty();
    assertThat(value("apps/eng/web")).isEqualTo("app v1, changed meanwhile");
  }

  @Test
  void aTransactionChangesEachKeyOnceAndNoneBelowAnother() {
    assertThatThrownBy(() -> new Transaction().put("apps/a", bytes("x")).delete("apps"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("none below another");
  }

  @Test
  void aValueOverTheLimitIsRefusedWithItsSizeAndNothingIsStored() throws Exception {
    byte[] big = new byte[StateStore.MAX_VALUE_BYTES + 1];
    assertThatThrownBy(() -> store.put("apps/huge", big))
        .isInstanceOfSatisfying(StateStoreException.class,
            e -> assertThat(e.reason()).isEqualTo(StateStoreException.Reason.TOO_LARGE))
        .hasMessage("apps/huge: a value of 1,000,001 bytes is more than a state store keeps under one key (at most "
            + "1,000,000 bytes, ZooKeeper's limit on a node); keep it in smaller pieces under keys of their own");
    byte[] half = new byte[StateStore.MAX_VALUE_BYTES / 2 + 1];
    assertThatThrownBy(() -> store.commit(new Transaction().put("apps/a", half).put("apps/b", half)))
        .isInstanceOfSatisfying(StateStoreException.class,
            e -> assertThat(e.reason()).isEqualTo(StateStoreException.Reason.TOO_LARGE))
        .hasMessageContaining("a transaction of 1,000,014 bytes (2 changes)");
    assertThat(store.children("")).isEmpty();
    store.put("apps/largest", new byte[StateStore.MAX_VALUE_BYTES]);
    assertThat(store.get("apps/largest").orElseThrow().value()).hasSize(StateStore.MAX_VALUE_BYTES);
  }

  @Test
  void segmentsMayHoldAnyCharacterButASlash() throws Exception {
    List<String> names = List.of("my app", "50%", ".hidden", "..", "ünïcödé", "a:b@c+d=e,f~g", "zookeeper");
    for (String n : names) {
      store.put(Keys.of("odd", n), bytes(n));
    }
    assertThat(store.children("odd")).containsExactlyInAnyOrderElementsOf(names);
    for (String n : names) {
      assertThat(value(Keys.of("odd", n))).isEqualTo(n);
    }
  }

  @Test
  void malformedKeysAreRefused() {
    for (String bad : List.of("", "/apps", "apps/", "apps//web")) {
      assertThatThrownBy(() -> store.put(bad, bytes("x"))).as(bad).isInstanceOf(IllegalArgumentException.class);
    }
    assertThatThrownBy(() -> Keys.of("a/b")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theStateOutlivesTheStore() throws Exception {
    store.commit(new Transaction().put("apps/eng/web", bytes("web")).put("framework/id", bytes("fw-1")));
    store = reopen();
    assertThat(value("apps/eng/web")).isEqualTo("web");
    assertThat(value("framework/id")).isEqualTo("fw-1");
    assertThat(store.children("")).containsExactly("apps", "framework");
  }
}
