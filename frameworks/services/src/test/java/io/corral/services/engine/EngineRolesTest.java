package io.corral.services.engine;

import static io.corral.services.engine.Fixtures.app;
import static io.corral.services.engine.Fixtures.offer;
import static org.assertj.core.api.Assertions.assertThat;

import io.corral.protocol.Offer;
import io.corral.services.app.AppId;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Apps in roles other than the framework's (Marathon 1.9's group roles): the framework joins the
 * roles its apps name and leaves those no app names any more, and an app's tasks take only offers of
 * its role.
 */
class EngineRolesTest {
  private final EngineHarness h = new EngineHarness();

  private static Offer offerFor(String host, String role) {
    return offer(host).toBuilder().setAllocationRole(role).build();
  }

  @Test
  void anAppOfAnotherRoleAddsItToTheFrameworksRolesAndItsTasksTakeOnlyThatRolesOffers() {
    h.create(app("/web", 1));
    assertThat(h.roles).containsExactly("*");

    h.create(app("/eng/etl", 2).toBuilder().role("eng").build());
    assertThat(h.roles).as("joined, and offered (tasks wait)").containsExactly("*", "eng");
    assertThat(h.suppressed).isFalse();

    h.offers(offerFor("a", "*"));
    assertThat(h.tasks("/web")).hasSize(1);
    assertThat(h.tasks("/eng/etl")).as("no offer of role eng yet").isEmpty();

    h.offers(offerFor("b", "eng"));
    assertThat(h.tasks("/eng/etl")).hasSize(2).allMatch(i -> i.host().equals("b"));
  }

  @Test
  void theLastAppOfARoleGoneTheFrameworkLeavesIt() {
    h.create(app("/eng/etl", 1).toBuilder().role("eng").build());
    h.offers(offerFor("b", "eng"));
    h.runAll("/eng/etl");
    assertThat(h.roles).containsExactly("*", "eng");

    h.ok(h.engine.deleteApp(new AppId("/eng/etl"), true));
    h.confirmKills();

    assertThat(h.roles).containsExactly("*");
  }

  @Test
  void aNewLeaderJoinsTheRolesOfTheAppsItRecovers() {
    h.create(app("/eng/etl", 1).toBuilder().role("eng").build());
    h.create(app("/ops/db", 1).toBuilder().role("ops").build());
    assertThat(h.roles).containsExactly("*", "eng", "ops");

    EngineHarness next = h.failover();

    assertThat(next.roles).as("a new driver subscribes in * alone; the engine joins the others")
        .containsExactly("*", "eng", "ops");
    assertThat(next.all).anyMatch(e -> e instanceof Effect.Roles r && r.roles().equals(List.of("*", "eng", "ops")));
  }
}
