package io.corral.frameworks.common;

import io.corral.frameworks.common.election.FrameworkElection;
import io.corral.frameworks.common.store.StateStore;
import io.corral.frameworks.common.store.StateStoreException;
import io.corral.frameworks.common.store.WorkDirStateStore;
import io.corral.frameworks.common.store.ZkStateStore;
import java.nio.file.Path;

/** The state store an instance's command line asks for. */
public final class StateStores {
  private StateStores() {}

  /**
   * In ZooKeeper under the election's path ({@code <path>/state}, changed only by the leader: the
   * election's fence) when there is an election ({@code --zk}); else in {@code <workDir>/state}, which
   * this instance then locks (a second one on it refuses to start).
   */
  public static StateStore open(FrameworkElection election, Path workDir) throws StateStoreException {
    if (election != null) {
      return new ZkStateStore(election.client(), election.statePath(), election.fence());
    }
    return WorkDirStateStore.open(workDir);
  }
}
