package io.corral.frameworks.common.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The work dir's store: the contract, one instance per work dir, and transactions that survive a crash. */
class WorkDirStateStoreTest extends StateStoreContract {
  @TempDir Path workDir;

  @Override
  StateStore open() throws Exception {
    return WorkDirStateStore.open(workDir);
  }

  @Override
  StateStore reopen() throws Exception {
    store.close();
    return WorkDirStateStore.open(workDir);
  }

  @Test
  void aSecondInstanceOnTheSameWorkDirIsRefusedWithOneLine() throws Exception {
    Path state = workDir.toAbsolutePath().resolve("state");
    assertThatThrownBy(() -> WorkDirStateStore.open(workDir))
        .isInstanceOf(StateStoreException.class)
        .hasMessage("another instance keeps its state in " + state + " (process " + ProcessHandle.current().pid()
            + "): give this one a --work-dir of its own, or run several instances with --zk");
    store.close();
    store = WorkDirStateStore.open(workDir); // let go of: the next one may
    store.put("apps/web", bytes("web"));
  }

  @Test
  void aTransactionACrashInterruptedIsMadeWholeWhenTheStoreOpens() throws Exception {
    store.put("deployments/old", bytes("finished"));
    store.close();
    // As a crash leaves it: the journal written, none or some of its changes made.
    Path state = workDir.toAbsolutePath().resolve("state");
    Journal.write(state.resolve(WorkDirStateStore.JOURNAL), new Transaction().put("apps/eng/web", bytes("app v2"))
        .put("deployments/d2", bytes("web to v2")).delete("deployments/old").ops());
    Files.createDirectories(state.resolve("apps/eng/web"));
    Files.write(state.resolve("apps/eng/web").resolve(WorkDirStateStore.VALUE), bytes("app v2"));

    store = WorkDirStateStore.open(workDir);
    assertThat(value("apps/eng/web")).isEqualTo("app v2");
    assertThat(value("deployments/d2")).isEqualTo("web to v2");
    assertThat(store.children("deployments")).isEqualTo(List.of("d2"));
    assertThat(state.resolve(WorkDirStateStore.JOURNAL)).doesNotExist();
  }

  @Test
  void keysAreDirectoriesWithTheirValueInAFile() throws Exception {
    store.put("apps/my app", bytes("x"));
    assertThat(workDir.resolve("state/apps/my%20app/" + WorkDirStateStore.VALUE)).hasContent("x");
  }
}
