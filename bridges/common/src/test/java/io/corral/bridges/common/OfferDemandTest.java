package io.corral.bridges.common;

import static org.assertj.core.api.Assertions.assertThat;

import io.corral.common.loop.ManualEventLoop;
import io.corral.protocol.FrameworkInfo;
import io.corral.protocol.Offer;
import io.corral.protocol.TaskInfo;
import io.corral.protocol.TaskStatus;
import io.corral.scheduler.Scheduler;
import io.corral.scheduler.SchedulerDriver;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OfferDemandTest {
  private final ManualEventLoop loop = new ManualEventLoop();
  private final RecordingDriver.Made drivers = new RecordingDriver.Made();
  private final FrameworkActor actor = new FrameworkActor(loop, loop.clock(), drivers);
  private final OfferDemand demand = new OfferDemand(actor, 2, 30);
  private RecordingDriver driver;

  @BeforeEach
  void subscribe() {
    actor.subscribe(FrameworkInfo.getDefaultInstance(), new Scheduler() {
      @Override
      public void resourceOffers(SchedulerDriver d, List<Offer> offers) {}

      @Override
      public void statusUpdate(SchedulerDriver d, TaskStatus status) {}
    });
    driver = drivers.last();
    driver.take();
  }

  @Test
  void unusedOffersAreDeclinedBrieflyWhileMoreIsWantedAndLongOtherwise() {
    demand.decline("o1", true);
    demand.decline("o2", false);
    demand.launch("o3", List.of(TaskInfo.newBuilder().setTaskId("t1").build()), true);
    demand.launch("o4", List.of(TaskInfo.newBuilder().setTaskId("t2").build()), false);
    assertThat(driver.take()).containsExactly("decline o1 2.0", "decline o2 30.0", "launch o3 [t1] 2.0",
        "launch o4 [t2] 30.0");
  }

  @Test
  void aRoundOfOffersIsAnsweredEachOfferOnceThenSettled() {
    List<Offer> offers = List.of(offer("o1"), offer("o2"), offer("o3"));
    demand.answer(offers, Map.of("o2", List.of(TaskInfo.newBuilder().setTaskId("t1").build(),
        TaskInfo.newBuilder().setTaskId("t2").build()), "o3", List.of()), true);
    assertThat(driver.take()).containsExactly("decline o1 2.0", "launch o2 [t1, t2] 2.0", "decline o3 2.0");
    demand.answer(offers, Map.of("o1", List.of(TaskInfo.newBuilder().setTaskId("t3").build())), false);
    assertThat(driver.take()).containsExactly("launch o1 [t3] 30.0", "decline o2 30.0", "decline o3 30.0", "suppress");
  }

  private static Offer offer(String id) {
    return Offer.newBuilder().setId(id).build();
  }

  @Test
  void offersAreSuppressedOnceNothingIsWantedAndRevivedWhenSomethingIs() {
    demand.settle(true);
    assertThat(driver.take()).isEmpty();
    demand.settle(false);
    demand.settle(false);
    assertThat(driver.take()).as("suppressed once").containsExactly("suppress");
    assertThat(demand.suppressed()).isTrue();

    demand.reviveIfSuppressed();
    demand.reviveIfSuppressed();
    assertThat(driver.take()).as("revived once").containsExactly("revive");
    assertThat(demand.suppressed()).isFalse();
    demand.revive();
    assertThat(driver.take()).as("a revive always clears the filters").containsExactly("revive");
  }

  @Test
  void aClosingActorAsksForNoMoreOffers() {
    demand.suppress();
    actor.close();
    driver.take();
    demand.revive();
    demand.reviveIfSuppressed();
    assertThat(driver.take()).isEmpty();
    assertThat(demand.suppressed()).isTrue();
  }
}
