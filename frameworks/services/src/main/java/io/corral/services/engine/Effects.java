package io.corral.services.engine;

import io.corral.services.app.ServicesEvent;
import java.util.ArrayList;
import java.util.List;

/**
 * The effects one input produces, in order. Consecutive state changes are stored together (one
 * {@link Effect.Persist}), always before the effects that follow them: a task is stored before its
 * launch, a kill request before the kill.
 */
final class Effects {
  private final List<Effect> out = new ArrayList<>();
  private final List<StateChange> changes = new ArrayList<>();

  void persist(StateChange change) {
    changes.add(change);
  }

  void add(Effect effect) {
    flush();
    out.add(effect);
  }

  void publish(ServicesEvent event) {
    add(new Effect.Publish(event));
  }

  /** Everything produced so far, and a fresh start. */
  List<Effect> drain() {
    flush();
    List<Effect> all = List.copyOf(out);
    out.clear();
    return all;
  }

  private void flush() {
    if (!changes.isEmpty()) {
      out.add(new Effect.Persist(changes));
      changes.clear();
    }
  }
}
