package io.corral.services.engine;

import io.corral.protocol.Attribute;
import io.corral.protocol.Offer;
import io.corral.protocol.Range;
import io.corral.protocol.Ranges;
import io.corral.protocol.Resource;
import io.corral.protocol.TaskState;
import io.corral.protocol.TaskStatus;
import io.corral.protocol.TaskStatusReason;
import io.corral.services.app.AppDefinition;
import io.corral.services.app.AppId;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** Real kernel messages for the tests: offers and status updates as the driver hands them over. */
final class Fixtures {
  private static final AtomicInteger OFFERS = new AtomicInteger();

  private Fixtures() {}

  /** An offer of {@code host} (agent {@code agent-<host>}) with cpus, mem and ports [begin-end]. */
  static Offer offer(String host, double cpus, double mem, long portBegin, long portEnd, Map<String, String> attributes) {
    Offer.Builder o = Offer.newBuilder()
        .setId("offer-" + OFFERS.incrementAndGet())
        .setFrameworkId("fw")
        .setAgentId("agent-" + host)
        .setHostname(host)
        .addResources(Resource.newBuilder().setName("cpus").setScalar(cpus))
        .addResources(Resource.newBuilder().setName("mem").setScalar(mem))
        .addResources(Resource.newBuilder().setName("disk").setScalar(10_000));
    if (portEnd >= portBegin) {
      o.addResources(Resource.newBuilder().setName("ports")
          .setRanges(Ranges.newBuilder().addRange(Range.newBuilder().setBegin(portBegin).setEnd(portEnd))));
    }
    attributes.forEach((k, v) -> o.addAttributes(Attribute.newBuilder().setName(k).setText(v)));
    return o.build();
  }

  /** A roomy offer of {@code host}: 16 cpus, 64 GiB, ports 31000-31999. */
  static Offer offer(String host) {
    return offer(host, 16, 65536, 31000, 31999, Map.of());
  }

  static Offer offer(String host, Map<String, String> attributes) {
    return offer(host, 16, 65536, 31000, 31999, attributes);
  }

  static TaskStatus status(Instance i, TaskState state) {
    return TaskStatus.newBuilder().setTaskId(i.taskId()).setAgentId(i.agentId()).setState(state)
        .setSource(io.corral.protocol.TaskStatusSource.SOURCE_EXECUTOR).build();
  }

  static TaskStatus status(Instance i, TaskState state, TaskStatusReason reason) {
    return status(i, state).toBuilder().setReason(reason).build();
  }

  /** The health update the executor sends when the task's health changes. */
  static TaskStatus health(Instance i, boolean healthy) {
    return status(i, TaskState.TASK_RUNNING, TaskStatusReason.REASON_TASK_HEALTH_CHECK_STATUS_UPDATED).toBuilder()
        .setHealthy(healthy).setMessage(healthy ? "HTTP 200" : "HTTP 503").build();
  }

  /** An app of {@code instances} small tasks, one port, Marathon's defaults otherwise. */
  static AppDefinition app(String id, int instances) {
    return AppDefinition.builder(new AppId(id)).cmd("sleep 1000").instances(instances).cpus(0.1).mem(32).build();
  }
}
