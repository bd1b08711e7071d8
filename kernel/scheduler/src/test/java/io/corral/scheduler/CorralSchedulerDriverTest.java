package io.corral.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.corral.common.DriverStatus;
import io.corral.common.resources.Resources;
import io.corral.common.security.ClientCredentials;
import io.corral.protocol.Error;
import io.corral.protocol.Filters;
import io.corral.protocol.FrameworkInfo;
import io.corral.protocol.MasterInfo;
import io.corral.protocol.Offer;
import io.corral.protocol.SchedulerCall;
import io.corral.protocol.SchedulerCall.TypeCase;
import io.corral.protocol.SchedulerEvent;
import io.corral.protocol.TaskInfo;
import io.corral.protocol.TaskState;
import io.corral.protocol.TaskStatus;
import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The scheduler driver against a {@link FakeMaster} (a gRPC server on loopback that plays the
 * master's end of the stream as the test says, no master behind it): the subscription, offers and
 * the calls that answer them, acknowledgements, reconnection, and stop() waiting for the teardown.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CorralSchedulerDriverTest {
  private static final String FW = "fw-1";

  private final List<CorralSchedulerDriver> drivers = new ArrayList<>();
  private FakeMaster master;

  @AfterEach
  void tearDown() {
    if (master != null) {
      master.close(); // first: a driver closing a stream the master keeps open would wait for it
    }
    drivers.forEach(CorralSchedulerDriver::abort);
  }

  private CorralSchedulerDriver driver(Recorder scheduler, boolean implicitAcks) throws Exception {
    if (master == null) {
      master = new FakeMaster();
    }
    CorralSchedulerDriver d = new CorralSchedulerDriver(scheduler, FrameworkInfo.newBuilder().setName("test").build(),
        master.address(), implicitAcks, ClientCredentials.NONE);
    drivers.add(d);
    return d;
  }

  /** A driver started and subscribed as {@link #FW}; returns the stream it subscribed on. */
  private FakeMaster.Stream subscribed(CorralSchedulerDriver d, Recorder scheduler) throws Exception {
    d.start();
    FakeMaster.Stream stream = master.nextStream();
    stream.next(TypeCase.SUBSCRIBE);
    stream.send(subscribedEvent(FW, 15));
    assertThat(scheduler.next()).isEqualTo("registered " + FW + " at 127.0.0.1:" + master.port());
    return stream;
  }

  private SchedulerEvent subscribedEvent(String id, double heartbeatSeconds) {
    return SchedulerEvent.newBuilder().setSubscribed(SchedulerEvent.Subscribed.newBuilder().setFrameworkId(id)
        .setHeartbeatIntervalSeconds(heartbeatSeconds)
        .setMasterInfo(MasterInfo.newBuilder().setId("m").setHost("127.0.0.1").setPort(master.port()))).build();
  }

  private static Offer offer(String id) {
    return Offer.newBuilder().setId(id).setFrameworkId(FW).setAgentId("agent-" + id).setHostname("h")
        .addAllResources(Resources.parse("cpus:1;mem:128").toProto()).build();
  }

  private static TaskStatus update(String task, TaskState state, String uuid) {
    TaskStatus.Builder s = TaskStatus.newBuilder().setTaskId(task).setFrameworkId(FW).setAgentId("agent-1")
        .setState(state);
    if (uuid != null) {
      s.setUuid(ByteString.copyFromUtf8(uuid));
    }
    return s.build();
  }

  private static SchedulerEvent updates(TaskStatus... statuses) {
    return SchedulerEvent.newBuilder().setUpdate(SchedulerEvent.Update.newBuilder().addAllStatuses(List.of(statuses)))
        .build();
  }

  /** The acknowledgement calls of {@code stream} until one carries {@code uuid}: the uuids acknowledged by then. */
  private static Set<String> acknowledgedUntil(FakeMaster.Stream stream, String uuid) throws Exception {
    Set<String> acked = new HashSet<>();
    while (!acked.contains(uuid)) {
      SchedulerCall c = stream.next(TypeCase.ACKNOWLEDGE);
      assertThat(c.getFrameworkId()).isEqualTo(FW);
      c.getAcknowledge().getAcksList().forEach(a -> acked.add(a.getUuid().toStringUtf8()));
    }
    return acked;
  }

  @Test
  void itSubscribesWithItsFrameworkInfoAndTakesTheIdTheMasterGives() throws Exception {
    Recorder scheduler = new Recorder();
    CorralSchedulerDriver d = driver(scheduler, true);

    assertThat(d.start()).isEqualTo(DriverStatus.DRIVER_RUNNING);
    FakeMaster.Stream stream = master.nextStream();
    SchedulerCall subscribe = stream.next(TypeCase.SUBSCRIBE);
    FrameworkInfo sent = subscribe.getSubscribe().getFrameworkInfo();
    assertThat(sent.getName()).isEqualTo("test");
    assertThat(sent.getId()).as("a new framework").isEmpty();
    assertThat(sent.getUser()).as("filled in").isEqualTo(System.getProperty("user.name"));
    assertThat(sent.getHostname()).as("filled in").isNotEmpty();
    assertThat(d.frameworkId()).isEmpty();

    stream.send(subscribedEvent(FW, 15));

    assertThat(scheduler.next()).isEqualTo("registered " + FW + " at 127.0.0.1:" + master.port());
    assertThat(d.frameworkId()).isEqualTo(FW);
  }

  @Test
  void offersReachTheSchedulerAndItsAnswersReachTheMasterWithTheFrameworkIdAndFilters() throws Exception {
    Recorder scheduler = new Recorder();
    CorralSchedulerDriver d = driver(scheduler, true);
    FakeMaster.Stream stream = subscribed(d, scheduler);

    stream.send(SchedulerEvent.newBuilder().setOffers(SchedulerEvent.Offers.newBuilder()
        .addOffers(offer("o-1")).addOffers(offer("o-2"))).build());
    assertThat(scheduler.next()).isEqualTo("offers o-1,o-2");
    stream.send(SchedulerEvent.newBuilder().setRescind(SchedulerEvent.Rescind.newBuilder().addOfferIds("o-3"))
        .build());
    assertThat(scheduler.next()).isEqualTo("rescinded o-3");

    TaskInfo task = TaskInfos.command("t-1", offer("o-1"), Resources.parse("cpus:0.5;mem:64"), TaskInfos.shell("true"));
    assertThat(d.launchTasks(List.of("o-1"), List.of(task), Filters.newBuilder().setRefuseSeconds(5).build()))
        .isEqualTo(DriverStatus.DRIVER_RUNNING);
    d.declineOffer("o-2", Filters.newBuilder().setRefuseSeconds(1).build());
    d.reviveOffers();

    SchedulerCall accept = stream.next(TypeCase.ACCEPT);
    assertThat(accept.getFrameworkId()).isEqualTo(FW);
    assertThat(accept.getAccept().getOfferIdsList()).containsExactly("o-1");
    assertThat(accept.getAccept().getTasksList()).containsExactly(task);
    assertThat(accept.getAccept().getFilters().getRefuseSeconds()).isEqualTo(5);
    SchedulerCall decline = stream.next(TypeCase.DECLINE);
    assertThat(decline.getFrameworkId()).isEqualTo(FW);
    assertThat(decline.getDecline().getOfferIdsList()).containsExactly("o-2");
    assertThat(decline.getDecline().getFilters().getRefuseSeconds()).isEqualTo(1);
    assertThat(stream.next(TypeCase.REVIVE).getFrameworkId()).isEqualTo(FW);
  }

  @Test
  void aPreemptionNoticeReachesTheScheduler() throws Exception {
    Recorder scheduler = new Recorder();
    CorralSchedulerDriver d = driver(scheduler, true);
    FakeMaster.Stream stream = subscribed(d, scheduler);

    stream.send(SchedulerEvent.newBuilder().setPreemptionNotice(SchedulerEvent.PreemptionNotice.newBuilder()
        .setRole("b").setDeadlineSeconds(1767225610.0).setMessage("role b is below its guarantee")
        .addTasks(SchedulerEvent.PreemptionNotice.Task.newBuilder().setTaskId("t-3").setAgentId("a-1"))).build());

    assertThat(scheduler.next()).isEqualTo("preemption for b of t-3 at 1.76722561E9");
  }

  @Test
  void callsMadeBeforeTheSubscriptionAreDroppedNotSentLater() throws Exception {
    Recorder scheduler = new Recorder();
    CorralSchedulerDriver d = driver(scheduler, true);
    d.start();
    FakeMaster.Stream stream = master.nextStream();
    stream.next(TypeCase.SUBSCRIBE);

    d.declineOffer("o-stale"); // no framework id yet: nothing the master could take
    stream.send(subscribedEvent(FW, 15));
    assertThat(scheduler.next()).startsWith("registered ");
    d.suppressOffers();

    assertThat(stream.next()).as("the first call after the subscription")
        .satisfies(c -> assertThat(c.getTypeCase()).isEqualTo(TypeCase.SUPPRESS));
  }

  @Test
  void updatesAreAcknowledgedOnceTheSchedulerHasSeenThemAndMasterMadeOnesNot() throws Exception {
    Recorder scheduler = new Recorder();
    CorralSchedulerDriver d = driver(scheduler, true);
    FakeMaster.Stream stream = subscribed(d, scheduler);

    stream.send(updates(update("t-1", TaskState.TASK_RUNNING, "u-1"), update("t-2", TaskState.TASK_LOST, null),
        update("t-1", TaskState.TASK_FINISHED, "u-2")));
    assertThat(List.of(scheduler.next(), scheduler.next(), scheduler.next()))
        .containsExactly("update t-1 TASK_RUNNING", "update t-2 TASK_LOST", "update t-1 TASK_FINISHED");

    assertThat(acknowledgedUntil(stream, "u-2")).containsExactlyInAnyOrder("u-1", "u-2");
    d.reviveOffers();
    assertThat(stream.next().getTypeCase()).as("no acknowledgement of the update without a uuid")
        .isEqualTo(TypeCase.REVIVE);
  }

  @Test
  void withExplicitAcknowledgementsOnlyWhatTheSchedulerAcknowledgesIsSent() throws Exception {
    Recorder scheduler = new Recorder();
    CorralSchedulerDriver d = driver(scheduler, false);
    FakeMaster.Stream stream = subscribed(d, scheduler);

    TaskStatus first = update("t-1", TaskState.TASK_RUNNING, "u-1");
    TaskStatus second = update("t-2", TaskState.TASK_RUNNING, "u-2");
    stream.send(updates(first, second));
    assertThat(List.of(scheduler.next(), scheduler.next()))
        .containsExactly("update t-1 TASK_RUNNING", "update t-2 TASK_RUNNING");
    d.acknowledgeStatusUpdate(second);

    // Had the driver acknowledged by itself, u-1 would go out before (or with) the scheduler's own.
    assertThat(acknowledgedUntil(stream, "u-2")).containsExactly("u-2");
  }

  @Test
  void aLostStreamIsReportedAndTheDriverSubscribesAgainAsTheSameFramework() throws Exception {
    Recorder scheduler = new Recorder();
    CorralSchedulerDriver d = driver(scheduler, true);
    FakeMaster.Stream first = subscribed(d, scheduler);

    first.fail(Status.UNAVAILABLE.withDescription("the master went away"));

    assertThat(scheduler.next()).isEqualTo("disconnected");
    FakeMaster.Stream second = master.nextStream();
    SchedulerCall again = second.next(TypeCase.SUBSCRIBE);
    assertThat(again.getFrameworkId()).isEqualTo(FW);
    assertThat(again.getSubscribe().getFrameworkInfo().getId()).as("fails over to its own framework").isEqualTo(FW);
    second.send(subscribedEvent(FW, 15));
    assertThat(scheduler.next()).isEqualTo("reregistered at 127.0.0.1:" + master.port());
    d.killTask("t-1");
    assertThat(second.next(TypeCase.KILL).getKill().getTaskId()).isEqualTo("t-1");
  }

  @Test
  void itSubscribesAgainWithTheRolesItHadSuppressed() throws Exception {
    Recorder scheduler = new Recorder();
    master = new FakeMaster();
    CorralSchedulerDriver d = new CorralSchedulerDriver(scheduler,
        FrameworkInfo.newBuilder().setName("test").addRoles("a").addRoles("b").build(), master.address(), true,
        ClientCredentials.NONE);
    drivers.add(d);
    FakeMaster.Stream first = subscribed(d, scheduler);
    d.suppressOffers(List.of("a"));
    assertThat(first.next(TypeCase.SUPPRESS).getSuppress().getRolesList()).containsExactly("a");

    FakeMaster.Stream second = resubscribed(first, scheduler);

    assertThat(second.next(TypeCase.SUBSCRIBE).getSubscribe().getSuppressedRolesList()).containsExactly("a");
    second.send(subscribedEvent(FW, 15));
    assertThat(scheduler.next()).startsWith("reregistered");
    d.reviveOffers(List.of("a"));
    d.suppressOffers();
    assertThat(second.next(TypeCase.REVIVE).getRevive().getRolesList()).containsExactly("a");
    assertThat(second.next(TypeCase.SUPPRESS).getSuppress().getRolesList()).isEmpty();
    FakeMaster.Stream third = resubscribed(second, scheduler);
    assertThat(third.next(TypeCase.SUBSCRIBE).getSubscribe().getSuppressedRolesList()).containsExactly("a", "b");
    third.send(subscribedEvent(FW, 15));
    assertThat(scheduler.next()).startsWith("reregistered");

    d.updateFramework(FrameworkInfo.newBuilder().setName("test").addRoles("b").addRoles("c").build(), List.of("c"));
    assertThat(third.next(TypeCase.UPDATE_FRAMEWORK).getUpdateFramework().getSuppressedRolesList())
        .containsExactly("c");
    FakeMaster.Stream fourth = resubscribed(third, scheduler);
    SchedulerCall.Subscribe last = fourth.next(TypeCase.SUBSCRIBE).getSubscribe();
    assertThat(last.getFrameworkInfo().getRolesList()).containsExactly("b", "c");
    assertThat(last.getSuppressedRolesList()).containsExactly("c");
  }

  /** Ends {@code stream} as a lost master: the next stream the driver opens. */
  private FakeMaster.Stream resubscribed(FakeMaster.Stream stream, Recorder scheduler) throws Exception {
    stream.fail(Status.UNAVAILABLE.withDescription("the master went away"));
    assertThat(scheduler.next()).isEqualTo("disconnected");
    return master.nextStream();
  }

  @Test
  void aMasterSilentForThreeHeartbeatIntervalsIsLeftForANewStream() throws Exception {
    Recorder scheduler = new Recorder();
    CorralSchedulerDriver d = driver(scheduler, true);
    d.start();
    FakeMaster.Stream first = master.nextStream();
    first.next(TypeCase.SUBSCRIBE);

    first.send(subscribedEvent(FW, 0.05)); // and then nothing, not even heartbeats

    assertThat(scheduler.next()).startsWith("registered ");
    assertThat(scheduler.next()).isEqualTo("disconnected");
    assertThat(first.driverEnded.get(10, TimeUnit.SECONDS)).as("the driver dropped the silent stream")
        .isEqualTo("CANCELLED");
    assertThat(master.nextStream().next(TypeCase.SUBSCRIBE).getFrameworkId()).isEqualTo(FW);
  }

  @Test
  void stopTearsTheFrameworkDownAndReturnsOnlyOnceTheMasterHasEndedTheStream() throws Exception {
    Recorder scheduler = new Recorder();
    CorralSchedulerDriver d = driver(scheduler, true);
    FakeMaster.Stream stream = subscribed(d, scheduler);

    CompletableFuture<Long> stopped = CompletableFuture.supplyAsync(() -> {
      assertThat(d.stop()).isEqualTo(DriverStatus.DRIVER_STOPPED);
      return System.nanoTime();
    });
    assertThat(stream.next(TypeCase.TEARDOWN).getFrameworkId()).isEqualTo(FW);
    // The master takes its time to remove the framework: stop() waits for it.
    await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() -> !stopped.isDone());
    long ended = System.nanoTime();
    stream.end();

    assertThat(stopped.get(10, TimeUnit.SECONDS)).as("stop() returned after the master ended the stream")
        .isGreaterThan(ended);
    assertThat(d.join()).isEqualTo(DriverStatus.DRIVER_STOPPED);
  }

  @Test
  void stopForFailoverLeavesTheFrameworkInPlace() throws Exception {
    Recorder scheduler = new Recorder();
    CorralSchedulerDriver d = driver(scheduler, true);
    FakeMaster.Stream stream = subscribed(d, scheduler);

    assertThat(d.stop(true)).isEqualTo(DriverStatus.DRIVER_STOPPED);

    assertThat(stream.driverEnded.get(10, TimeUnit.SECONDS)).isEqualTo("completed");
    assertThat(stream.pending()).as("no teardown").extracting(SchedulerCall::getTypeCase)
        .doesNotContain(TypeCase.TEARDOWN);
    assertThat(d.join()).isEqualTo(DriverStatus.DRIVER_STOPPED);
  }

  @Test
  void aFatalErrorFromTheMasterAbortsTheDriver() throws Exception {
    Recorder scheduler = new Recorder();
    CorralSchedulerDriver d = driver(scheduler, true);
    FakeMaster.Stream stream = subscribed(d, scheduler);

    stream.send(SchedulerEvent.newBuilder().setError(Error.newBuilder().setMessage("framework fw-1 was removed")
        .setFatal(true)).build());

    assertThat(scheduler.next()).isEqualTo("error framework fw-1 was removed");
    assertThat(d.join()).isEqualTo(DriverStatus.DRIVER_ABORTED);
    assertThat(d.reviveOffers()).as("commands after the end").isEqualTo(DriverStatus.DRIVER_ABORTED);
  }

  @Test
  void credentialsRefusedAtTheFirstSubscriptionAbortTheDriverInsteadOfRetrying() throws Exception {
    Recorder scheduler = new Recorder();
    CorralSchedulerDriver d = driver(scheduler, true);
    d.start();
    FakeMaster.Stream stream = master.nextStream();
    stream.next(TypeCase.SUBSCRIBE);

    stream.fail(Status.UNAUTHENTICATED.withDescription("wrong secret"));

    assertThat(scheduler.next()).isEqualTo("error the master refused the credentials: wrong secret");
    assertThat(d.join()).as("aborted, not retrying").isEqualTo(DriverStatus.DRIVER_ABORTED);
  }

  /** The scheduler: each callback as a line, in order (the largest-agent ones left out). */
  static final class Recorder implements Scheduler {
    private final BlockingQueue<String> callbacks = new LinkedBlockingQueue<>();

    String next() throws InterruptedException {
      String c = callbacks.poll(FakeMaster.WAIT.toMillis(), TimeUnit.MILLISECONDS);
      if (c == null) {
        throw new AssertionError("no callback within " + FakeMaster.WAIT);
      }
      return c;
    }

    @Override
    public void registered(SchedulerDriver d, String frameworkId, MasterInfo m) {
      callbacks.add("registered " + frameworkId + " at " + m.getHost() + ":" + m.getPort());
    }

    @Override
    public void reregistered(SchedulerDriver d, MasterInfo m) {
      callbacks.add("reregistered at " + m.getHost() + ":" + m.getPort());
    }

    @Override
    public void resourceOffers(SchedulerDriver d, List<Offer> offers) {
      callbacks.add("offers " + String.join(",", offers.stream().map(Offer::getId).toList()));
    }

    @Override
    public void offerRescinded(SchedulerDriver d, String offerId) {
      callbacks.add("rescinded " + offerId);
    }

    @Override
    public void statusUpdate(SchedulerDriver d, TaskStatus s) {
      callbacks.add("update " + s.getTaskId() + " " + s.getState());
    }

    @Override
    public void preemptionNotice(SchedulerDriver d, SchedulerEvent.PreemptionNotice n) {
      callbacks.add("preemption for " + n.getRole() + " of " + String.join(",", n.getTasksList().stream()
          .map(SchedulerEvent.PreemptionNotice.Task::getTaskId).toList()) + " at " + n.getDeadlineSeconds());
    }

    @Override
    public void disconnected(SchedulerDriver d) {
      callbacks.add("disconnected");
    }

    @Override
    public void error(SchedulerDriver d, String message) {
      callbacks.add("error " + message);
    }
  }
}
