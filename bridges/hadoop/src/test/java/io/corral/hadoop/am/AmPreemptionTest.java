package io.corral.hadoop.am;

import static org.assertj.core.api.Assertions.assertThat;

import io.corral.common.resources.Resources;
import io.corral.hadoop.am.Containers.Batch;
import io.corral.hadoop.am.Containers.Slot;
import io.corral.protocol.Offer;
import io.corral.protocol.SchedulerEvent.PreemptionNotice;
import io.corral.protocol.TaskInfo;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.mapreduce.MRJobConfig;
import org.apache.hadoop.mapreduce.TaskAttemptID;
import org.apache.hadoop.mapreduce.TypeConverter;
import org.apache.hadoop.mapreduce.v2.api.records.TaskAttemptId;
import org.apache.hadoop.mapreduce.v2.api.records.TaskType;
import org.apache.hadoop.mapreduce.v2.app.AppContext;
import org.apache.hadoop.mapreduce.v2.app.job.event.TaskAttemptEvent;
import org.apache.hadoop.mapreduce.v2.app.job.event.TaskAttemptEventType;
import org.apache.hadoop.mapreduce.v2.app.rm.preemption.AMPreemptionPolicy;
import org.apache.hadoop.mapreduce.v2.app.rm.preemption.CheckpointAMPreemptionPolicy;
import org.apache.hadoop.mapreduce.v2.app.rm.preemption.KillAMPreemptionPolicy;
import org.apache.hadoop.mapreduce.v2.app.rm.preemption.NoopAMPreemptionPolicy;
import org.apache.hadoop.yarn.api.records.Container;
import org.apache.hadoop.yarn.api.records.ContainerId;
import org.apache.hadoop.yarn.api.records.NodeId;
import org.apache.hadoop.yarn.api.records.PreemptionContainer;
import org.apache.hadoop.yarn.api.records.PreemptionMessage;
import org.apache.hadoop.yarn.api.records.Priority;
import org.apache.hadoop.yarn.api.records.Resource;
import org.apache.hadoop.yarn.event.Event;
import org.apache.hadoop.yarn.event.EventHandler;
import org.junit.jupiter.api.Test;

/** A master's preemption notice, as the job's AMPreemptionPolicy gets it. */
class AmPreemptionTest {
  private final Containers containers = new Containers();
  private final Batch batch = new Batch(Offer.newBuilder().setId("offer-1").setAgentId("agent-1").setHostname("h")
      .build());
  private int seq = 1;

  private Slot launched(String attempt) {
    Slot s = assigned(attempt);
    containers.ready(batch, s, TaskInfo.getDefaultInstance());
    return s;
  }

  private Slot assigned(String attempt) {
    TaskAttemptId id = TypeConverter.toYarn(TaskAttemptID.forName(attempt));
    ContainerId cid = ContainerId.fromString("container_1700000000000_0001_01_00000" + ++seq);
    Container c = Container.newInstance(cid, NodeId.newInstance("h", 0), "h:0", Resource.newInstance(320, 1),
        Priority.newInstance(20), null);
    return containers.assign(batch, id, c, Resources.parse("cpus:1;mem:320"));
  }

  private static PreemptionNotice notice(String... taskIds) {
    PreemptionNotice.Builder n = PreemptionNotice.newBuilder().setRole("b").setDeadlineSeconds(1e9)
        .setMessage("role b needs cpus:2");
    for (String id : taskIds) {
      n.addTasks(PreemptionNotice.Task.newBuilder().setTaskId(id).setAgentId("agent-1"));
    }
    return n.build();
  }

  @Test
  void theStrictContractNamesTheLaunchedContainersOfTheTasksNamed() {
    Slot map = launched("attempt_1700000000000_0001_m_000000_0");
    Slot reduce = launched("attempt_1700000000000_0001_r_000000_0");
    Slot notLaunched = assigned("attempt_1700000000000_0001_m_000001_0");
    launched("attempt_1700000000000_0001_m_000002_0"); // not named

    List<Slot> named = AmPreemption.named(notice(map.id.toString(), "appmaster", reduce.id.toString(),
        notLaunched.id.toString(), "container_1700000000000_0001_01_000099"), containers);
    PreemptionMessage message = AmPreemption.message(named);

    assertThat(message.getStrictContract().getContainers()).extracting(PreemptionContainer::getId)
        .containsExactlyInAnyOrder(map.id, reduce.id);
    assertThat(message.getContract()).as("nothing to negotiate").isNull();
  }

  @Test
  void killAmPreemptionPolicyKillsTheNamedAttemptsOnceEach() {
    Slot map = launched("attempt_1700000000000_0001_m_000000_0");
    Slot other = launched("attempt_1700000000000_0001_m_000001_0");
    List<Event<?>> events = new ArrayList<>();
    AMPreemptionPolicy policy = new KillAMPreemptionPolicy();
    policy.init(appContext(events::add));
    AmPreemption preemption = new AmPreemption(policy, containers);

    preemption.notice(notice(map.id.toString()));
    preemption.notice(notice(map.id.toString())); // sent again after a failover

    assertThat(events).filteredOn(e -> e instanceof TaskAttemptEvent).singleElement().satisfies(e -> {
      assertThat(e.getType()).isEqualTo(TaskAttemptEventType.TA_KILL);
      assertThat(((TaskAttemptEvent) e).getTaskAttemptID()).isEqualTo(map.attempt);
    });
    assertThat(other.noticed).isFalse();
  }

  @Test
  void thePolicyFindsTheJobsContainersByIdAndByType() {
    Slot map = launched("attempt_1700000000000_0001_m_000000_0");
    Slot reduce = launched("attempt_1700000000000_0001_r_000000_0");
    assigned("attempt_1700000000000_0001_r_000001_0");
    AMPreemptionPolicy.Context context = AmPreemption.context(containers);

    assertThat(context.getTaskAttempt(map.id)).isEqualTo(map.attempt);
    assertThat(context.getTaskAttempt(ContainerId.fromString("container_1700000000000_0001_01_000099"))).isNull();
    List<Container> reduces = context.getContainers(TaskType.REDUCE);
    assertThat(reduces).extracting(Container::getId).containsExactly(reduce.id);
    reduces.sort((a, b) -> b.getId().compareTo(a.getId())); // CheckpointAMPreemptionPolicy sorts what it gets
  }

  @Test
  void theBridgeDefaultsToKillAmPreemptionPolicyAndTheJobsSettingWins() {
    Configuration unset = new Configuration(false);
    AmPreemption.defaultPolicy(unset);
    assertThat(unset.getClass(MRJobConfig.MR_AM_PREEMPTION_POLICY, null)).isEqualTo(KillAMPreemptionPolicy.class);

    Configuration set = new Configuration(false);
    set.setClass(MRJobConfig.MR_AM_PREEMPTION_POLICY, CheckpointAMPreemptionPolicy.class, AMPreemptionPolicy.class);
    AmPreemption.defaultPolicy(set);
    assertThat(set.getClass(MRJobConfig.MR_AM_PREEMPTION_POLICY, null)).isEqualTo(CheckpointAMPreemptionPolicy.class);

    Configuration noop = new Configuration(false);
    noop.set(MRJobConfig.MR_AM_PREEMPTION_POLICY, NoopAMPreemptionPolicy.class.getName());
    AmPreemption.defaultPolicy(noop);
    assertThat(noop.getClass(MRJobConfig.MR_AM_PREEMPTION_POLICY, null)).isEqualTo(NoopAMPreemptionPolicy.class);
  }

  /** An AppContext whose event handler records; a policy's init asks it for nothing else. */
  @SuppressWarnings("rawtypes")
  private static AppContext appContext(EventHandler<Event<?>> handler) {
    EventHandler raw = handler;
    return (AppContext) Proxy.newProxyInstance(AppContext.class.getClassLoader(), new Class<?>[] {AppContext.class},
        (proxy, method, args) -> {
          if (method.getName().equals("getEventHandler")) {
            return raw;
          }
          throw new UnsupportedOperationException(method.getName());
        });
  }
}
