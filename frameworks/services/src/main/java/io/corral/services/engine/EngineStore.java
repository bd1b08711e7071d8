package io.corral.services.engine;

import java.util.List;

/** Where the engine's state lives between leaders (ZooKeeper, or the work directory). */
public interface EngineStore {
  /** Everything stored ({@link EngineState#EMPTY} when nothing is). */
  EngineState load();

  /**
   * Stores {@code changes}, in order, before returning; throws when it cannot (the engine then must not
   * carry on: what follows, a launch say, assumes the change is stored).
   */
  void write(List<StateChange> changes);
}
