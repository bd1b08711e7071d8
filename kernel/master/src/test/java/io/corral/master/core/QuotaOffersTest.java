package io.corral.master.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.corral.common.resources.Resources;
import io.corral.master.MasterConfig;
import io.corral.master.roles.Quota;
import io.corral.protocol.Offer;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Quotas set on a running master, on its loop with a manual clock. */
class QuotaOffersTest {
  private final ManualMaster master = new ManualMaster(MasterConfig.builder()
      .allocationInterval(Duration.ofSeconds(1)).build()).recover(Map.of()).start();

  @Test
  void settingAQuotaTakesBackTheOffersMadeWithoutItAndOffersAgainWithinIt() {
    ManualMaster.Scheduler fw = master.scheduler(ManualMaster.framework("holder").toBuilder().setRole("team").build());
    master.agent("cpus:4;mem:1024");
    Offer before = fw.outstanding().get(0);
    assertThat(Resources.fromProto(before.getResourcesList()).cpus()).isEqualTo(4.0);

    var result = master.core.setQuota("team", new Quota(Resources.EMPTY, Resources.parse("cpus:1")), false);
    master.loop.runPending();
    assertThat(result.join().outcome()).isEqualTo(OperatorResult.Outcome.DONE);
    assertThat(fw.rescinded()).containsExactly(before.getId());

    master.advance(Duration.ofSeconds(1));
    assertThat(fw.outstanding()).hasSize(1);
    assertThat(Resources.fromProto(fw.outstanding().get(0).getResourcesList()).cpus()).isEqualTo(1.0);
  }

  @Test
  void anInvalidQuotaChangesNothing() {
    var result = master.core.setQuota("team", new Quota(Resources.parse("cpus:2"), Resources.parse("cpus:1")), true);
    master.loop.runPending();
    assertThat(result.join().outcome()).isEqualTo(OperatorResult.Outcome.INVALID);
    assertThat(result.join().message()).contains("above its limit");
    var roles = master.core.query(MasterView::roles);
    master.loop.runPending();
    assertThat(roles.join()).noneMatch(r -> r.name().equals("team"));
  }
}
