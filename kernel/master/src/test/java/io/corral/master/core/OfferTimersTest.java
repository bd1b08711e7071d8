package io.corral.master.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.corral.master.MasterConfig;
import io.corral.protocol.Offer;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The offers' timers, on the master's loop with a manual clock: an offer held past the offer
 * timeout is rescinded and kept from its holder for a while; a declined offer comes back when the
 * refusal ends (the one the decline asked for, or the master's default). Nothing here waits in
 * real time.
 */
class OfferTimersTest {
  private static final Duration MS = Duration.ofMillis(1);

  private final ManualMaster master = new ManualMaster(MasterConfig.builder()
      .allocationInterval(Duration.ofSeconds(1))
      .offerTimeout(Duration.ofSeconds(30))
      .offerTimeoutFilter(Duration.ofSeconds(5))
      .defaultRefuse(Duration.ofSeconds(5))
      .build()).recover(java.util.Map.of()).start();

  @Test
  void anOfferHeldPastTheOfferTimeoutIsRescindedThenKeptFromItsHolderForTheFilter() {
    ManualMaster.Scheduler fw = master.scheduler(ManualMaster.framework("holder"));
    master.agent("cpus:2;mem:1024");
    Offer held = fw.outstanding().get(0);

    master.advance(Duration.ofSeconds(30).minus(MS));
    assertThat(fw.rescinded()).as("within the offer timeout").isEmpty();

    master.advance(MS);
    assertThat(fw.rescinded()).containsExactly(held.getId());
    assertThat(fw.outstanding()).isEmpty();

    master.advance(Duration.ofSeconds(5).minus(MS));
    assertThat(fw.offers()).as("its holder is kept from it for the offer timeout filter").hasSize(1);

    master.advance(MS);
    assertThat(fw.offers()).hasSize(2);
    assertThat(master.elapsed()).isEqualTo(Duration.ofSeconds(35));
  }

  @Test
  void anOfferAnsweredInTimeIsNeverRescinded() {
    ManualMaster.Scheduler fw = master.scheduler(ManualMaster.framework("quick"));
    master.agent("cpus:2;mem:1024");
    master.advance(Duration.ofSeconds(29));
    fw.launch(fw.outstanding().get(0), ManualMaster.task("t1", "cpus:2;mem:1024"));

    master.advance(Duration.ofMinutes(5));

    assertThat(fw.rescinded()).isEmpty();
  }

  @Test
  void aDeclinedOfferComesBackWhenTheRefusalItAskedForEnds() {
    ManualMaster.Scheduler fw = master.scheduler(ManualMaster.framework("picky"));
    master.agent("cpus:2;mem:1024");
    master.advance(Duration.ofSeconds(3));
    fw.decline(fw.outstanding().get(0), 12);

    master.advance(Duration.ofSeconds(12).minus(MS));
    assertThat(fw.offers()).as("refused for 12 s").hasSize(1);

    master.advance(MS);
    assertThat(fw.outstanding()).hasSize(1);
    assertThat(master.elapsed()).isEqualTo(Duration.ofSeconds(15));
  }

  @Test
  void aDeclineWithoutAFilterRefusesForTheDefaultTime() {
    ManualMaster.Scheduler fw = master.scheduler(ManualMaster.framework("plain"));
    master.agent("cpus:2;mem:1024");
    fw.decline(fw.outstanding().get(0));

    master.advance(Duration.ofSeconds(5).minus(MS));
    assertThat(fw.offers()).hasSize(1);

    master.advance(MS);
    assertThat(fw.outstanding()).hasSize(1);
  }
}
