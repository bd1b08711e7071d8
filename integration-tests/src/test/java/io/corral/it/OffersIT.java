package io.corral.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.corral.bridges.testkit.RecordingScheduler;
import io.corral.common.resources.Resources;
import io.corral.local.LocalCluster;
import io.corral.protocol.Filters;
import io.corral.protocol.FrameworkInfo;
import io.corral.protocol.Offer;
import io.corral.scheduler.CorralSchedulerDriver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

/** Offer life cycle end to end: timeouts, filters, suppress and revive. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class OffersIT {

  @Test
  void anIdleOfferIsRescindedAndGoesToSomeoneElse(TestInfo info) throws Exception {
    Path dir = TestClusters.dir(info);
    try (LocalCluster cluster = TestClusters.inProcess(dir, 1, "cpus:1;mem:512")
        .masterConfig(m -> m.offerTimeout(Duration.ofSeconds(1)).offerTimeoutFilter(Duration.ofSeconds(30))
            .allocationInterval(Duration.ofMillis(100)))
        .start()) {
      String master = cluster.masterAddress().toString();
      RecordingScheduler hoarder = new RecordingScheduler();
      CorralSchedulerDriver h = new CorralSchedulerDriver(hoarder, FrameworkInfo.newBuilder().setName("hoarder").build(), master);
      h.start();
      Offer held = hoarder.nextOffer(); // and never answered
      RecordingScheduler patient = new RecordingScheduler();
      CorralSchedulerDriver p = new CorralSchedulerDriver(patient, FrameworkInfo.newBuilder().setName("patient").build(), master);
      p.start();

      await().atMost(Duration.ofSeconds(30)).until(() -> hoarder.rescinded.contains(held.getId()));
      Offer next = patient.nextOffer();
      assertThat(Resources.fromProto(next.getResourcesList())).isEqualTo(Resources.parse("cpus:1;mem:512"));
      h.stop();
      p.stop();
      h.join();
      p.join();
    }
  }

  @Test
  void declineFiltersSuppressAndReviveShapeTheOffers(TestInfo info) throws Exception {
    Path dir = TestClusters.dir(info);
    try (LocalCluster cluster = TestClusters.inProcess(dir, 2, "cpus:1;mem:512")
        .masterConfig(m -> m.allocationInterval(Duration.ofMillis(100))).start()) {
      RecordingScheduler s = new RecordingScheduler();
      CorralSchedulerDriver d = new CorralSchedulerDriver(s, FrameworkInfo.newBuilder().setName("picky").build(),
          cluster.masterAddress().toString());
      d.start();
      Offer a = s.nextOffer();
      Offer b = s.nextOffer();
      assertThat(a.getAgentId()).isNotEqualTo(b.getAgentId());

      // Decline one agent for a long time, the other for no time: only the latter comes back.
      d.declineOffer(a.getId(), Filters.newBuilder().setRefuseSeconds(3600).build());
      d.declineOffer(b.getId(), Filters.newBuilder().setRefuseSeconds(0).build());
      Offer again = s.nextOffer();
      assertThat(again.getAgentId()).isEqualTo(b.getAgentId());
      d.declineOffer(again.getId(), Filters.newBuilder().setRefuseSeconds(3600).build());

      d.reviveOffers(); // revive clears both filters
      Offer r1 = s.nextOffer();
      Offer r2 = s.nextOffer();
      assertThat(java.util.Set.of(r1.getAgentId(), r2.getAgentId())).containsExactlyInAnyOrder(a.getAgentId(), b.getAgentId());

      d.suppressOffers();
      d.declineOffer(r1.getId(), Filters.newBuilder().setRefuseSeconds(0).build());
      d.declineOffer(r2.getId(), Filters.newBuilder().setRefuseSeconds(0).build());
      // While suppressed the master sends nothing; its books show why.
      await().atMost(Duration.ofSeconds(30)).until(() -> cluster.query(v ->
          v.frameworks().get(0).suppressed() && v.outstandingOffers() == 0));
      int seen = s.events.size();
      long cycles = cluster.master().metrics().allocationCycles.get();
      // Let a few allocation cycles pass (a condition on the master, not a sleep): still nothing.
      await().atMost(Duration.ofSeconds(30)).until(() -> cluster.master().metrics().allocationCycles.get() >= cycles + 3);
      assertThat(s.events.subList(seen, s.events.size())).doesNotContain("offers");
      d.reviveOffers();
      s.nextOffer();
      d.stop();
      d.join();
    }
  }
}
