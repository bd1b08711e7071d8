package io.corral.services.engine;

import io.corral.services.app.AppDefinition;
import io.corral.services.app.AppId;
import io.corral.services.app.TaskFailureView;
import java.util.ArrayList;
import java.util.List;

/**
 * The engine's state in a {@link KeyValue} store, one small record per thing, so that a change writes
 * only what changed: {@code apps/<app>}, {@code deployments/<id>},
 * {@code instances/<task id>}, {@code failures/<app>} ({@code <app>} as in task ids: {@code eng_web}
 * for {@code /eng/web}). Records are {@link EngineStateCodec}'s JSON.
 */
public final class KeyValueEngineStore implements EngineStore {
  private static final String APPS = "apps";
  private static final String DEPLOYMENTS = "deployments";
  private static final String INSTANCES = "instances";
  private static final String FAILURES = "failures";

  private final KeyValue kv;
  private final EngineStateCodec codec = new EngineStateCodec();

  public KeyValueEngineStore(KeyValue kv) {
    this.kv = kv;
  }

  @Override
  public EngineState load() {
    return new EngineState(all(APPS, AppDefinition.class), all(DEPLOYMENTS, Deployment.class), all(INSTANCES, Instance.class),
        all(FAILURES, TaskFailureView.class));
  }

  @Override
  public void write(List<StateChange> changes) {
    List<KeyValue.Write> writes = new ArrayList<>(changes.size());
    for (StateChange c : changes) {
      writes.add(write(c));
    }
    kv.write(writes);
  }

  private KeyValue.Write write(StateChange c) {
    if (c instanceof StateChange.PutApp p) {
      return put(APPS, name(p.app().id()), p.app());
    } else if (c instanceof StateChange.RemoveApp r) {
      return delete(APPS, name(r.id()));
    } else if (c instanceof StateChange.PutDeployment p) {
      return put(DEPLOYMENTS, p.deployment().id(), p.deployment());
    } else if (c instanceof StateChange.RemoveDeployment r) {
      return delete(DEPLOYMENTS, r.id());
    } else if (c instanceof StateChange.PutInstance p) {
      return put(INSTANCES, p.instance().taskId(), p.instance());
    } else if (c instanceof StateChange.RemoveInstance r) {
      return delete(INSTANCES, r.taskId());
    } else if (c instanceof StateChange.PutFailure p) {
      return put(FAILURES, name(p.failure().appId()), p.failure());
    } else if (c instanceof StateChange.RemoveFailure r) {
      return delete(FAILURES, name(r.app()));
    }
    throw new IllegalArgumentException("unknown change " + c);
  }

  private KeyValue.Write put(String dir, String name, Object record) {
    return new KeyValue.Write(dir + "/" + name, codec.write(record));
  }

  private static KeyValue.Write delete(String dir, String name) {
    return new KeyValue.Write(dir + "/" + name, null);
  }

  private <T> List<T> all(String dir, Class<T> type) {
    List<T> out = new ArrayList<>();
    for (String name : kv.children(dir)) {
      byte[] value = kv.get(dir + "/" + name);
      if (value != null) {
        out.add(codec.read(value, type));
      }
    }
    return out;
  }

  private static String name(AppId id) {
    return id.taskIdPrefix();
  }
}
