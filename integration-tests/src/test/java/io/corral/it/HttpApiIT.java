package io.corral.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.corral.bridges.testkit.Http;
import io.corral.bridges.testkit.RecordingScheduler;
import io.corral.common.resources.Resources;
import io.corral.local.LocalCluster;
import io.corral.protocol.FrameworkInfo;
import io.corral.protocol.Offer;
import io.corral.protocol.TaskState;
import io.corral.scheduler.CorralSchedulerDriver;
import io.corral.scheduler.TaskInfos;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

/** The master's and agents' HTTP APIs against a live local cluster: shapes, lookups, actions, bad input. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class HttpApiIT {
  private static final String XSS_NAME = "<script>alert('x')</script>";

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static List<JsonNode> list(JsonNode array) {
    List<JsonNode> out = new ArrayList<>();
    array.forEach(out::add);
    return out;
  }

  @Test
  void stateListsAgentsFrameworksTasksAndCompletedTasksAndLooksThemUpById(TestInfo info) throws Exception {
    Path dir = TestClusters.dir(info);
    try (LocalCluster cluster = TestClusters.inProcess(dir, 2, "cpus:2;mem:1024;disk:4096;ports:[31000-31099]")
        .start()) {
      String http = cluster.master().httpUrl();
      assertThat(http).matches("http://127\\.0\\.0\\.1:\\d+/");
      Path fetched = Files.writeString(dir.resolve("input.txt"), "fetched into the echo task's sandbox\n");
      RecordingScheduler s = new RecordingScheduler();
      CorralSchedulerDriver driver = new CorralSchedulerDriver(s,
          FrameworkInfo.newBuilder().setName("api-test").setRole("analytics").setPrincipal("alice").build(),
          cluster.masterAddress().toString());
      driver.start();
      Offer offer = s.nextOffer();
      driver.launchTasks(List.of(offer.getId()), List.of(
          TaskInfos.command("sleeper", offer, Resources.parse("cpus:0.5;mem:64"), TaskInfos.shell("exec sleep 1000"))
              .toBuilder().setName(XSS_NAME).build(),
          TaskInfos.command("echo", offer, Resources.parse("cpus:0.25;mem:32"),
              TaskInfos.shell("echo hello from the sandbox; echo oops >&2", List.of(fetched.toString())))));
      s.awaitState("sleeper", TaskState.TASK_RUNNING);
      s.awaitState("echo", TaskState.TASK_FINISHED);
      String fw = s.frameworkId();

      JsonNode state = await().atMost(Duration.ofSeconds(30)).until(() -> Http.json(http + "api/v1/state"),
          st -> st.get("completed_tasks").size() == 1 && st.get("tasks").size() == 1);
      // agents[]
      assertThat(state.get("agents")).hasSize(2);
      JsonNode agent = list(state.get("agents")).stream()
          .filter(a -> a.get("id").asText().equals(offer.getAgentId())).findFirst().orElseThrow();
      assertThat(agent.get("hostname").asText()).isEqualTo("127.0.0.1");
      assertThat(agent.get("resources").get("cpus").asDouble()).isEqualTo(2.0);
      assertThat(agent.get("resources").get("mem").asDouble()).isEqualTo(1024.0);
      assertThat(agent.get("resources").get("disk").asDouble()).isEqualTo(4096.0);
      assertThat(agent.get("resources").get("ports").asText()).matches("\\[\\d+-\\d+(,\\d+-\\d+)*]");
      assertThat(agent.get("used_resources").get("cpus").asDouble()).isGreaterThanOrEqualTo(0.5);
      assertThat(agent.get("offered_resources").isObject()).isTrue();
      assertThat(agent.get("attributes").isObject()).isTrue();
      assertThat(agent.get("isolators").isArray()).isTrue();
      assertThat(agent.get("http_url").asText()).startsWith("http://127.0.0.1:");
      // frameworks[]
      assertThat(state.get("frameworks")).hasSize(1);
      JsonNode f = state.get("frameworks").get(0);
      assertThat(f.get("id").asText()).isEqualTo(fw);
      assertThat(f.get("name").asText()).isEqualTo("api-test");
      assertThat(f.get("role").asText()).isEqualTo("analytics");
      assertThat(f.get("principal").asText()).isEqualTo("alice");
      assertThat(f.get("active").asBoolean()).isTrue();
      assertThat(f.get("used_resources").get("cpus").asDouble()).isGreaterThanOrEqualTo(0.5);
      assertThat(f.get("dominant_share").asDouble()).isGreaterThan(0).isLessThanOrEqualTo(1);
      // tasks[] and completed_tasks[]
      JsonNode running = state.get("tasks").get(0);
      assertThat(running.get("id").asText()).isEqualTo("sleeper");
      assertThat(running.get("name").asText()).isEqualTo(XSS_NAME);
      assertThat(running.get("state").asText()).isEqualTo("TASK_RUNNING");
      assertThat(running.get("agent_id").asText()).isEqualTo(offer.getAgentId());
      assertThat(running.get("framework_id").asText()).isEqualTo(fw);
      assertThat(running.has("executor_id")).isTrue();
      assertThat(running.get("resources").get("cpus").asDouble()).isEqualTo(0.5);
      JsonNode done = state.get("completed_tasks").get(0);
      assertThat(done.get("id").asText()).isEqualTo("echo");
      assertThat(done.get("state").asText()).isEqualTo("TASK_FINISHED");

      // one by id
      assertThat(Http.json(http + "api/v1/tasks/" + enc(fw) + "/sleeper").get("state").asText())
          .isEqualTo("TASK_RUNNING");
      assertThat(Http.json(http + "api/v1/tasks/echo").get("state").asText()).isEqualTo("TASK_FINISHED");
      assertThat(Http.json(http + "api/v1/agents/" + enc(offer.getAgentId())).get("id").asText())
          .isEqualTo(offer.getAgentId());
      assertThat(Http.json(http + "api/v1/frameworks/" + enc(fw)).get("name").asText()).isEqualTo("api-test");
      assertThat(list(Http.json(http + "api/v1/tasks?state=running"))).extracting(t -> t.get("id").asText())
          .containsExactly("sleeper");
      assertThat(list(Http.json(http + "api/v1/tasks?completed=false&framework=" + enc(fw)))).hasSize(1);
      assertThat(Http.json(http + "health").get("leading").asBoolean()).isTrue();
      JsonNode light = Http.json(http + "api/v1/state?tasks=false");
      assertThat(light.get("tasks")).isEmpty();
      assertThat(light.get("completed_tasks")).isEmpty();
      assertThat(light.get("agents")).hasSize(2);
      assertThat(light.get("cluster").get("active_tasks").asInt()).isEqualTo(1);

      // unknown ids: 404 with a JSON error
      for (String path : List.of("api/v1/tasks/nope", "api/v1/tasks/" + enc(fw) + "/nope", "api/v1/agents/nope",
          "api/v1/frameworks/nope", "api/v1/nope", "nope")) {
        Http.Answer a = Http.get(http + path);
        assertThat(a.status()).as(path).isEqualTo(404);
        assertThat(a.json().get("error").asText()).as(path).isNotBlank();
      }
      // malformed parameters: 400; wrong method: 405; huge requests: 413/414
      for (String path : List.of("api/v1/tasks?state=bogus", "api/v1/tasks?limit=x", "api/v1/tasks?limit=-1",
          "api/v1/state?extra=1", "api/v1/tasks?state=running&state=failed", "api/v1/tasks?completed=maybe")) {
        Http.Answer a = Http.get(http + path);
        assertThat(a.status()).as(path).isEqualTo(400);
        assertThat(a.json().get("error").asText()).as(path).isNotBlank();
      }
      assertThat(Http.post(http + "api/v1/state").status()).isEqualTo(405);
      assertThat(Http.announceBody(http + "api/v1/frameworks/" + enc(fw) + "/teardown", 1L << 30))
          .startsWith("HTTP/1.1 413");
      assertThat(Http.get(http + "api/v1/tasks?framework=" + "x".repeat(10_000)).status()).isEqualTo(414);
      assertThat(Http.json(http + "api/v1/state").get("frameworks")).hasSize(1); // nothing lost

      // metrics
      Http.Answer metrics = Http.get(http + "metrics");
      assertThat(metrics.status()).isEqualTo(200);
      assertThat(metrics.contentType()).startsWith("text/plain");
      assertThat(metrics.body()).contains("corral_allocation_cycles_total", "corral_offers_sent_total",
          "corral_tasks_launched_total 2.0", "corral_task_states_total{state=\"TASK_FINISHED\"} 1.0",
          "corral_agents_registered_total 2.0", "corral_messages_in_total", "corral_messages_out_total",
          "corral_agents_lost_total", "corral_offers_declined_total", "corral_offers_rescinded_total",
          "corral_master_elections_total 1.0", "corral_tasks_active 1.0",
          "corral_resources_capacity{resource=\"cpus\"} 4.0", "corral_master_leading 1.0");
      // the agents' fetchers, summed by the master from the agents' pongs
      String withFetches = await().atMost(Duration.ofSeconds(30)).until(() -> Http.get(http + "metrics").body(),
          b -> b.contains("corral_fetcher_fetches_total 1.0"));
      assertThat(withFetches).contains("corral_fetcher_cache_hits_total 0.0", "corral_fetcher_failures_total 0.0",
          "corral_fetcher_downloaded_bytes_total");
      JsonNode fetcher = Http.json(http + "api/v1/state?tasks=false").get("cluster").get("fetcher");
      assertThat(fetcher.get("fetched").asLong()).isEqualTo(1);
      assertThat(fetcher.get("failures").asLong()).isZero();

      // the agent's sandbox: find it, list it, read stdout, refuse escapes
      String agentHttp = agent.get("http_url").asText();
      JsonNode sandbox = Http.json(agentHttp + "api/v1/sandbox?framework=" + enc(fw) + "&task=echo");
      String sb = sandbox.get("path").asText();
      assertThat(list(Http.json(agentHttp + "api/v1/files/browse?path=" + enc(sb))))
          .extracting(e -> e.get("name").asText()).contains("stdout", "stderr");
      JsonNode chunk = Http.json(agentHttp + "api/v1/files/read?path=" + enc(sb + "/stdout"));
      assertThat(chunk.get("data").asText()).isEqualTo("hello from the sandbox\n");
      JsonNode part = Http.json(agentHttp + "api/v1/files/read?path=" + enc(sb + "/stdout") + "&offset=6&length=4");
      assertThat(part.get("data").asText()).isEqualTo("from");
      assertThat(part.get("size").asLong()).isEqualTo(23);
      assertThat(Http.get(agentHttp + "api/v1/files/download?path=" + enc(sb + "/stderr")).body())
          .as("the fetcher's lines, then the task's").contains("fetched " + fetched).endsWith("\noops\n");
      Path real = cluster.workDir().resolve("agent-" + cluster.agents().stream().map(a -> a.agentId()).toList()
          .indexOf(offer.getAgentId())).resolve("frameworks").resolve(sb);
      Files.createSymbolicLink(real.resolve("escape"), Path.of("/etc"));
      for (String bad : List.of("../../../../etc/passwd", "/etc/passwd", sb + "/../../../../../../etc/passwd",
          sb + "/escape/passwd", sb + "/escape")) {
        Http.Answer a = Http.get(agentHttp + "api/v1/files/read?path=" + enc(bad));
        assertThat(a.status()).as(bad).isEqualTo(403);
        assertThat(Http.get(agentHttp + "api/v1/files/download?path=" + enc(bad)).status()).as(bad).isEqualTo(403);
      }
      assertThat(Http.get(agentHttp + "api/v1/files/read?path=" + enc(sb + "/none")).status()).isEqualTo(404);
      assertThat(Http.get(agentHttp + "api/v1/files/read?path=" + enc(sb) + "&length=99999999").status())
          .isEqualTo(400);
      JsonNode agentState = Http.json(agentHttp + "api/v1/state");
      assertThat(agentState.get("id").asText()).isEqualTo(offer.getAgentId());
      JsonNode executor = list(agentState.get("executors")).stream()
          .filter(e -> e.get("tasks").toString().contains("sleeper")).findFirst().orElseThrow();
      assertThat(executor.get("usage").get("rss_bytes").asLong()).isGreaterThan(0);
      assertThat(executor.get("usage").get("processes").asInt()).isGreaterThanOrEqualTo(2);
      assertThat(Http.get(agentHttp + "metrics").body()).contains("corral_agent_executors 1.0", "corral_agent_tasks 1.0",
          "corral_agent_fetches_total", "corral_agent_sandboxes_removed_total 0.0", "jvm_memory_used_bytes");

      driver.stop();
      driver.join();
    }
  }

  @Test
  void operatorsKillTasksDrainAndUndrainAgentsAndTearFrameworksDown(TestInfo info) throws Exception {
    Path dir = TestClusters.dir(info);
    try (LocalCluster cluster = TestClusters.inProcess(dir, 2, "cpus:1;mem:512").start()) {
      String http = cluster.master().httpUrl();
      RecordingScheduler s = new RecordingScheduler();
      CorralSchedulerDriver driver = new CorralSchedulerDriver(s, FrameworkInfo.newBuilder().setName("ops").build(),
          cluster.masterAddress().toString());
      driver.start();
      Offer offer = s.nextOffer();
      String agent = offer.getAgentId();
      driver.launchTasks(List.of(offer.getId()), List.of(
          TaskInfos.command("a", offer, Resources.parse("cpus:0.1;mem:32"), TaskInfos.shell("exec sleep 1000")),
          TaskInfos.command("b", offer, Resources.parse("cpus:0.1;mem:32"), TaskInfos.shell("exec sleep 1000"))));
      s.awaitState("a", TaskState.TASK_RUNNING);
      s.awaitState("b", TaskState.TASK_RUNNING);
      String fw = s.frameworkId();

      // kill one task
      Http.Answer kill = Http.post(http + "api/v1/tasks/" + enc(fw) + "/a/kill");
      assertThat(kill.status()).as(kill.body()).isEqualTo(200);
      s.awaitState("a", TaskState.TASK_KILLED);
      await().atMost(Duration.ofSeconds(30)).until(() ->
          Http.get(http + "api/v1/tasks/" + enc(fw) + "/a/kill").status() == 405
              && Http.post(http + "api/v1/tasks/" + enc(fw) + "/a/kill").status() == 409);
      assertThat(Http.post(http + "api/v1/tasks/" + enc(fw) + "/zzz/kill").status()).isEqualTo(404);

      // drain the agent that runs b: no more offers of it, b killed after the grace period
      Http.Answer drain = Http.post(http + "api/v1/agents/" + enc(agent) + "/drain?grace=1s");
      assertThat(drain.status()).as(drain.body()).isEqualTo(200);
      assertThat(Http.post(http + "api/v1/agents/" + enc(agent) + "/drain").status()).isEqualTo(409);
      assertThat(Http.post(http + "api/v1/agents/" + enc(agent) + "/drain?grace=soon").status()).isEqualTo(400);
      assertThat(Http.json(http + "api/v1/agents/" + enc(agent)).get("maintenance").asText()).isEqualTo("DRAINING");
      s.awaitState("b", TaskState.TASK_KILLED);
      await().atMost(Duration.ofSeconds(30)).until(() ->
          Http.json(http + "api/v1/agents/" + enc(agent)).get("maintenance").asText().equals("DRAINED"));
      // hand back every offer held (the drained agent's were rescinded): only the other agent is offered again
      io.corral.protocol.Filters briefly = io.corral.protocol.Filters.newBuilder().setRefuseSeconds(0.1).build();
      long since = System.nanoTime();
      s.onOffers((d, offers) -> offers.forEach(o -> d.declineOffer(o.getId(), briefly)));
      for (Offer held; (held = s.offers.poll()) != null; ) {
        driver.declineOffer(held.getId(), briefly);
      }
      await().atMost(Duration.ofSeconds(30)).until(() -> s.offerLog.stream()
          .filter(e -> e.getKey() > since && !e.getValue().getAgentId().equals(agent)).count() >= 3);
      assertThat(s.offerLog.stream().filter(e -> e.getKey() > since).map(e -> e.getValue().getAgentId()))
          .doesNotContain(agent);
      assertThat(Http.json(http + "api/v1/state").get("offers").toString()).doesNotContain(agent);

      // undrain: offered again
      assertThat(Http.post(http + "api/v1/agents/" + enc(agent) + "/undrain").status()).isEqualTo(200);
      assertThat(Http.post(http + "api/v1/agents/" + enc(agent) + "/undrain").status()).isEqualTo(409);
      long undrained = System.nanoTime();
      await().atMost(Duration.ofSeconds(30)).until(() -> s.offerLog.stream()
          .anyMatch(e -> e.getKey() > undrained && e.getValue().getAgentId().equals(agent)));
      assertThat(Http.post(http + "api/v1/agents/nope/drain").status()).isEqualTo(404);

      // a cross-site form post (no X-Corral-Request header) is refused and changes nothing
      Http.Answer forged = Http.postAsABrowserForm(http + "api/v1/frameworks/" + enc(fw) + "/teardown");
      assertThat(forged.status()).isEqualTo(403);
      assertThat(forged.json().get("error").asText()).contains("X-Corral-Request");
      assertThat(Http.json(http + "api/v1/frameworks/" + enc(fw)).get("active").asBoolean()).isTrue();

      // teardown: the scheduler hears it, the framework is gone; a second teardown is a conflict
      Http.Answer teardown = Http.post(http + "api/v1/frameworks/" + enc(fw) + "/teardown");
      assertThat(teardown.status()).as(teardown.body()).isEqualTo(200);
      await().atMost(Duration.ofSeconds(30)).until(() -> !s.errors.isEmpty());
      assertThat(s.errors.get(0)).contains("torn down by an operator");
      assertThat(Http.json(http + "api/v1/state").get("frameworks")).isEmpty();
      assertThat(Http.post(http + "api/v1/frameworks/" + enc(fw) + "/teardown").status()).isEqualTo(409);
      assertThat(Http.post(http + "api/v1/frameworks/nope/teardown").status()).isEqualTo(404);
      driver.stop();
      driver.join();
    }
  }
}
