package io.corral.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.corral.bridges.testkit.Http;
import io.corral.bridges.testkit.RecordingScheduler;
import io.corral.cli.CorralMain;
import io.corral.common.resources.PooledResources;
import io.corral.protocol.Filters;
import io.corral.protocol.FrameworkInfo;
import io.corral.protocol.Offer;
import io.corral.scheduler.CorralSchedulerDriver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

/**
 * Reservations with real processes (two masters on ZooKeeper, two agents): a static reservation of
 * the agent's --resources and a dynamic one made through the API are offered only to their role,
 * shown in the state, survive a restart of the agent and a failover of the master, and return to
 * the shared pool when unreserved; bad requests change nothing. A framework reserves and unreserves
 * in its ACCEPT.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ReservationsIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  // Every resource named: a restarted agent must come back with the resources it had (detected disk varies).
  private static final List<String> STATIC = List.of("--resources",
      "cpus(eng/etl):1;mem(eng/etl):512;cpus:1;mem:512;disk:1024;ports:[31000-31009]");
  private static final List<String> SHARED = List.of("--resources", "cpus:2;mem:1024;disk:1024;ports:[31100-31109]");
  private static final String DYNAMIC = "cpus(eng/etl):0.5;mem(eng/etl):256";

  @Test
  void reservationsAreOfferedOnlyToTheirRoleAndSurviveRestartsAndFailovers(TestInfo info) throws Exception {
    Path dir = TestClusters.dir(info);
    try (HaCluster c = HaCluster.start(dir, 2, 0, List.of(), List.of())) {
      String reserved = registered(c.startAgent(0, STATIC));
      String shared = registered(c.startAgent(1, SHARED));
      HaCluster.MasterProcess leader = c.awaitLeader(HaCluster.START);
      String http = leader.httpUrl();
      RecordingScheduler web = decliningScheduler();
      RecordingScheduler etl = decliningScheduler();
      CorralSchedulerDriver webDriver = driver(web, "web", c.zkUrl);
      CorralSchedulerDriver etlDriver = driver(etl, "eng/etl", c.zkUrl);

      // The static reservation: in the state, and offered to eng/etl only.
      assertThat(reservedOn(http, reserved)).isEqualTo(Map.of("eng/etl", Map.of("cpus", 1.0, "mem", 512.0)));
      awaitOffer(etl, reserved, "cpus(eng/etl):1;mem(eng/etl):512");

      // A dynamic reservation on the other agent.
      Http.Answer ok = Http.post(http + "api/v1/agents/" + shared + "/reserve", "{\"resources\": \"" + DYNAMIC + "\"}");
      assertThat(ok.status()).as(ok.body()).isEqualTo(200);
      assertThat(reservedOn(http, shared)).isEqualTo(Map.of("eng/etl", Map.of("cpus", 0.5, "mem", 256.0)));
      awaitOffer(etl, shared, DYNAMIC);

      // Bad requests: one line each, 400, nothing changed.
      assertRefused(http, shared, "reserve", "cpus(eng/etl):5", "cannot reserve");
      assertRefused(http, shared, "unreserve", "cpus(web):0.5", "nothing is reserved to web");
      assertRefused(http, reserved, "unreserve", "cpus(eng/etl):1", "reserved statically");
      assertRefused(http, shared, "reserve", "cpus:1", "needs its role");
      assertThat(CorralMain.run("agent", "reserve", shared, "--resources", "cpus(eng//etl):1", "--master", http))
          .isEqualTo(2);
      assertThat(reservedOn(http, shared)).isEqualTo(Map.of("eng/etl", Map.of("cpus", 0.5, "mem", 256.0)));

      // The agent killed and started again on its work dir: it reports its dynamic reservation.
      c.agents.get(1).kill();
      CorralProcess again = c.startAgent(1, SHARED);
      assertThat(registered(again)).isEqualTo(shared);
      await().atMost(WAIT).until(() -> reservedOn(http, shared).equals(
          Map.of("eng/etl", Map.of("cpus", 0.5, "mem", 256.0))));

      // The leader killed: the next one learns both reservations from the agents.
      leader.process().kill();
      HaCluster.MasterProcess next = c.awaitLeaderOtherThan(leader, WAIT);
      String http2 = next.httpUrl();
      await().atMost(WAIT).ignoreExceptions().until(() -> reservedOn(http2, shared).equals(
          Map.of("eng/etl", Map.of("cpus", 0.5, "mem", 256.0)))
          && reservedOn(http2, reserved).equals(Map.of("eng/etl", Map.of("cpus", 1.0, "mem", 512.0))));
      int seen = etl.offerLog.size();
      await().atMost(WAIT).until(() -> etl.offerLog.stream().skip(seen).anyMatch(e -> e.getValue().getAgentId()
          .equals(shared) && holds(e.getValue(), DYNAMIC)));

      // Unreserved: back in the shared pool, offered to anyone.
      assertThat(CorralMain.run("agent", "unreserve", shared, "--resources", DYNAMIC, "--master", http2)).isZero();
      assertThat(reservedOn(http2, shared)).isEmpty();
      awaitOffer(web, shared, "cpus:2;mem:1024");

      // A framework reserves in its ACCEPT (Mesos' RESERVE), then unreserves (UNRESERVE).
      PooledResources mine = PooledResources.parse("cpus(eng/etl):1;mem(eng/etl):128");
      AtomicReference<String> step = new AtomicReference<>("reserve");
      Filters briefly = Filters.newBuilder().setRefuseSeconds(0.5).build();
      etl.onOffers((driver, offers) -> offers.forEach(o -> {
        boolean here = o.getAgentId().equals(shared);
        if (here && step.get().equals("reserve") && pools(o).unreserved().contains(mine.all())) {
          step.set("reserving");
          driver.acceptOffers(List.of(o.getId()), mine.toProto(), List.of(), List.of(), briefly);
        } else if (here && step.get().equals("unreserve") && pools(o).contains(mine)) {
          step.set("unreserving");
          driver.acceptOffers(List.of(o.getId()), List.of(), mine.toProto(), List.of(), briefly);
        } else {
          driver.declineOffer(o.getId(), briefly);
        }
      }));
      await().atMost(WAIT).until(() -> reservedOn(http2, shared).equals(
          Map.of("eng/etl", Map.of("cpus", 1.0, "mem", 128.0))));
      step.set("unreserve");
      await().atMost(WAIT).until(() -> reservedOn(http2, shared).isEmpty());
      assertThat(etl.errors).isEmpty();

      assertThat(web.offerLog).as("the web role was never offered reserved resources")
          .allMatch(e -> pools(e.getValue()).reserved().isEmpty());
      webDriver.stop();
      etlDriver.stop();
      webDriver.join();
      etlDriver.join();
    }
  }

  private static String registered(CorralProcess agent) {
    return agent.awaitLine("agent: (\\S+) registered with (\\S+)", HaCluster.START).group(1);
  }

  /** A scheduler that declines every offer for half a second (it records them all). */
  private static RecordingScheduler decliningScheduler() {
    return new RecordingScheduler().onOffers((driver, offers) -> offers.forEach(
        o -> driver.declineOffer(o.getId(), Filters.newBuilder().setRefuseSeconds(0.5).build())));
  }

  private static CorralSchedulerDriver driver(RecordingScheduler s, String role, String master) {
    CorralSchedulerDriver d = new CorralSchedulerDriver(s,
        FrameworkInfo.newBuilder().setName(role).setRole(role).setFailoverTimeout(300).build(), master);
    d.start();
    return d;
  }

  private static PooledResources pools(Offer o) {
    return PooledResources.fromProto(o.getResourcesList());
  }

  /** Waits for an offer of {@code agent} to {@code s} that holds {@code spec}, reserved pools exactly. */
  private static void awaitOffer(RecordingScheduler s, String agent, String spec) {
    await().atMost(WAIT).until(() -> s.offerLog.stream().anyMatch(e -> e.getValue().getAgentId().equals(agent)
        && holds(e.getValue(), spec)));
  }

  private static boolean holds(Offer o, String spec) {
    PooledResources wanted = PooledResources.parse(spec);
    PooledResources offered = pools(o);
    return offered.contains(wanted) && offered.reservedOnly().equals(wanted.reservedOnly());
  }

  private static void assertRefused(String http, String agent, String what, String spec, String reason) {
    Http.Answer a = Http.post(http + "api/v1/agents/" + agent + "/" + what, "{\"resources\": \"" + spec + "\"}");
    assertThat(a.status()).as(a.body()).isEqualTo(400);
    assertThat(a.json().get("error").asText()).contains(reason).doesNotContain("\n");
  }

  /** {@code agents[].reserved} of one agent in {@code /api/v1/state}, as plain maps. */
  private static Map<String, Map<String, Double>> reservedOn(String http, String agent) {
    for (JsonNode a : Http.json(http + "api/v1/state?tasks=false").get("agents")) {
      if (a.get("id").asText().equals(agent)) {
        Map<String, Map<String, Double>> out = new java.util.TreeMap<>();
        a.get("reserved").fields().forEachRemaining(role -> {
          Map<String, Double> r = new java.util.TreeMap<>();
          role.getValue().fields().forEachRemaining(res -> r.put(res.getKey(), res.getValue().asDouble()));
          out.put(role.getKey(), r);
        });
        return out;
      }
    }
    throw new AssertionError("no agent " + agent + " in the state");
  }
}
