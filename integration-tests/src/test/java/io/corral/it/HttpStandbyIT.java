package io.corral.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.corral.agent.Agent;
import io.corral.agent.AgentConfig;
import io.corral.bridges.testkit.Http;
import io.corral.cli.CorralMain;
import io.corral.common.resources.Resources;
import io.corral.master.Master;
import io.corral.master.MasterConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

/**
 * HTTP with masters in an election: a standby sends API clients to the leader and serves once elected;
 * an agent drained under one leader stays drained under the next (the drain is in the registry).
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class HttpStandbyIT {

  private static Master master(String zk, Path dir) throws Exception {
    return new Master(MasterConfig.builder().port(0).zk(zk).workDir(dir).zkSessionTimeout(Duration.ofSeconds(5))
        .build()).start();
  }

  @Test
  void aStandbyRedirectsToTheLeaderAndServesOnceElected(TestInfo info) throws Exception {
    Path dir = TestClusters.dir(info);
    try (TestingServer zk = new TestingServer(true)) {
      String url = "zk://" + zk.getConnectString() + "/corral";
      Master first = master(url, dir.resolve("m1"));
      Master second = master(url, dir.resolve("m2"));
      try {
        await().atMost(Duration.ofSeconds(60)).until(() -> first.isLeading() || second.isLeading());
        Master leader = first.isLeading() ? first : second;
        Master standby = leader == first ? second : first;
        assertThat(standby.isLeading()).isFalse();

        Http.Answer health = Http.get(standby.httpUrl() + "health");
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.json().get("leading").asBoolean()).isFalse();
        Http.Answer redirect = await().atMost(Duration.ofSeconds(30))
            .until(() -> Http.get(standby.httpUrl() + "api/v1/tasks?state=running"), a -> a.status() != 503);
        assertThat(redirect.status()).as(redirect.body()).isEqualTo(307);
        assertThat(redirect.location()).isEqualTo(leader.httpUrl() + "api/v1/tasks?state=running");
        assertThat(Http.get(standby.httpUrl()).location()).isEqualTo(leader.httpUrl());
        assertThat(Http.json(leader.httpUrl() + "api/v1/state").get("master").get("address").asText())
            .isEqualTo(leader.address().toString());
        assertThat(Http.get(standby.httpUrl() + "metrics").body()).contains("corral_master_leading 0.0");

        // the CLI finds the leader's HTTP API through ZooKeeper, or through a standby's gRPC address
        assertThat(CorralMain.run("status", "--master", url)).isZero();
        assertThat(CorralMain.run("agents", "--master", standby.address().toString())).isZero();

        // an operator drains an agent...
        try (Agent agent = new Agent(AgentConfig.builder(url, dir.resolve("agent")).port(0)
            .resources(Resources.parse("cpus:1;mem:256")).shutdownExecutorsOnExit(true).build()).start()) {
          agent.awaitRegistered(60, TimeUnit.SECONDS);
          String id = agent.agentId();
          assertThat(Http.post(leader.httpUrl() + "api/v1/agents/" + id + "/drain?grace=0s").status()).isEqualTo(200);
          await().atMost(Duration.ofSeconds(30)).until(() -> Http.json(leader.httpUrl() + "api/v1/agents/" + id)
              .get("maintenance").asText().equals("DRAINED"));

          // ...the leader goes: the standby is elected, serves the API itself, and the drain holds
          leader.close();
          await().atMost(Duration.ofSeconds(60)).until(standby::isLeading);
          await().atMost(Duration.ofSeconds(30))
              .until(() -> Http.get(standby.httpUrl() + "api/v1/state").status() == 200);
          assertThat(Http.json(standby.httpUrl() + "health").get("leading").asBoolean()).isTrue();
          await().atMost(Duration.ofSeconds(60)).until(() -> Http.get(standby.httpUrl() + "api/v1/agents/" + id)
              .status() == 200);
          assertThat(Http.json(standby.httpUrl() + "api/v1/agents/" + id).get("maintenance").asText())
              .isEqualTo("DRAINED");
          assertThat(Http.json(standby.httpUrl() + "api/v1/offers")).isEmpty();
          assertThat(Http.post(standby.httpUrl() + "api/v1/agents/" + id + "/undrain").status()).isEqualTo(200);
        }
      } finally {
        for (Master m : List.of(first, second)) {
          m.close();
        }
      }
    }
  }
}
