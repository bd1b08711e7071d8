package io.corral.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.corral.bridges.testkit.Http;
import io.corral.bridges.testkit.RecordingScheduler;
import io.corral.common.resources.Resources;
import io.corral.common.testing.Capabilities;
import io.corral.local.LocalCluster;
import io.corral.protocol.FrameworkInfo;
import io.corral.protocol.Offer;
import io.corral.protocol.TaskState;
import io.corral.scheduler.CorralSchedulerDriver;
import io.corral.scheduler.TaskInfos;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

/**
 * The web UI in a real headless Chromium against a live local cluster: the pages render the
 * cluster, user-given names stay text, the page follows the cluster without a reload, a task's
 * page tails its log from the agent, and a framework of several roles shows them and its tasks'
 * roles. Screenshots go to {@code target/ui-screenshots/}.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class WebUiIT {
  /** A task name that would run script if the UI ever rendered names as HTML. */
  private static final String HOSTILE = "<img src=x onerror=\"window.__pwned=1\"><script>window.__pwned=2</script>";
  private static final Duration WAIT = Duration.ofSeconds(60);

  private static Path browserOrSkip() {
    Optional<Path> chromium = HeadlessChromium.find();
    Capabilities.require(chromium.isPresent(), "WebUiIT",
        "no chromium on PATH (Debian package 'chromium'; .ci/run installs it)");
    return chromium.get();
  }

  @Test
  void pagesRenderTheClusterEscapeNamesFollowChangesAndTailLogs(TestInfo info) throws Exception {
    Path chromium = browserOrSkip();
    Path dir = TestClusters.dir(info);
    Path shots = Path.of("target", "ui-screenshots");
    try (LocalCluster cluster = TestClusters.inProcess(dir, 2, "cpus:2;mem:1024").start();
         HeadlessChromium browser = new HeadlessChromium(chromium, dir.resolve("chromium-profile"))) {
      String http = cluster.master().httpUrl();
      RecordingScheduler s = new RecordingScheduler();
      CorralSchedulerDriver driver = new CorralSchedulerDriver(s,
          FrameworkInfo.newBuilder().setName("ui <b>test</b>").build(), cluster.masterAddress().toString());
      driver.start();
      Offer offer = s.nextOffer();
      driver.launchTasks(List.of(offer.getId()), List.of(
          TaskInfos.command("ticker", offer, Resources.parse("cpus:0.5;mem:64"),
              TaskInfos.shell("i=0; while true; do i=$((i+1)); echo tick-$i; sleep 0.3; done"))
              .toBuilder().setName(HOSTILE).setHealthCheck(io.corral.protocol.HealthCheck.newBuilder()
                  .setType(io.corral.protocol.HealthCheck.Type.COMMAND).setDelaySeconds(0).setIntervalSeconds(1)
                  .setCommand(io.corral.protocol.CommandInfo.newBuilder().setValue("test -s stdout"))).build(),
          TaskInfos.command("quick", offer, Resources.parse("cpus:0.25;mem:32"), TaskInfos.shell("echo done",
              List.of(java.nio.file.Files.writeString(dir.resolve("fetched.txt"), "a file to fetch\n").toString())))));
      s.awaitState("ticker", TaskState.TASK_RUNNING);
      s.awaitState("quick", TaskState.TASK_FINISHED);
      String fw = s.frameworkId();

      // Overview: counts, capacity charts, frameworks by share, agents
      browser.navigate(http);
      browser.waitFor("document.querySelectorAll('#agents-table tbody tr').length === 2", WAIT);
      browser.waitFor("document.getElementById('task-count').textContent === '1'", WAIT);
      assertThat(browser.eval("document.getElementById('agent-count').textContent").asText()).isEqualTo("2 / 2");
      assertThat(browser.eval("Number(document.querySelector('#capacity-cpus rect.used').getAttribute('width'))")
          .asDouble()).isGreaterThan(0);
      assertThat(browser.eval("document.querySelector('#frameworks-table tbody tr td:nth-child(2)').textContent")
          .asText()).isEqualTo("ui <b>test</b>");
      assertThat(browser.eval("document.querySelector('#frameworks-table b')").isNull()).isTrue();
      browser.waitFor("document.getElementById('fetch-count').textContent === '1'", WAIT); // from the agents' pongs
      assertThat(browser.eval("document.getElementById('fetch-legend').textContent").asText())
          .isEqualTo("0 from agents' caches, 0 MiB downloaded, 0 failed");
      browser.screenshot(shots.resolve("overview.png"));

      // Agents: what is reserved, role by role
      Http.Answer reserved = Http.post(http + "api/v1/agents/" + offer.getAgentId() + "/reserve",
          "{\"resources\": \"cpus(eng/etl):0.5;mem(eng/etl):128\"}");
      assertThat(reserved.status()).as(reserved.body()).isEqualTo(200);
      browser.navigate(http + "#/agents");
      browser.waitFor("[...document.querySelectorAll('#agents-table td.reserved')].map(td => td.textContent).sort()"
          + ".join('|') === '|eng/etl: 0.5 cpus, 128 MiB mem'", WAIT);

      // Tasks: the hostile name is text, and filters work
      browser.navigate(http + "#/tasks");
      browser.waitFor("document.querySelectorAll('#tasks-table tbody tr').length === 2", WAIT);
      assertThat(browser.eval("document.querySelector('#tasks-table tr[data-task-id=\"ticker\"] td.task-name')"
          + ".textContent").asText()).isEqualTo(HOSTILE);
      assertThat(browser.eval("typeof window.__pwned").asText()).isEqualTo("undefined");
      assertThat(browser.eval("document.querySelectorAll('#tasks-table img, #tasks-table script').length").asInt())
          .isZero();
      browser.waitFor("document.querySelector('#tasks-table tr[data-task-id=\"ticker\"] td.health').textContent"
          + " === 'healthy'", WAIT); // its health check passes
      assertThat(browser.eval("document.querySelector('#tasks-table tr[data-task-id=\"quick\"] td.health')"
          + ".textContent").asText()).as("no health check, no health").isEmpty();
      browser.eval("(() => { const s = document.getElementById('filter-state'); s.value = 'TASK_FINISHED';"
          + " s.dispatchEvent(new Event('change')); return true; })()");
      browser.waitFor("[...document.querySelectorAll('#tasks-table tbody tr')].map(r => r.dataset.taskId)"
          + ".join() === 'quick'", WAIT);
      browser.eval("(() => { const s = document.getElementById('filter-state'); s.value = '';"
          + " s.dispatchEvent(new Event('change')); return true; })()");
      browser.waitFor("document.querySelectorAll('#tasks-table tbody tr').length === 2", WAIT);
      browser.screenshot(shots.resolve("tasks.png"));

      // The task page tails the log live from the agent's sandbox API
      browser.navigate(http + "#/tasks/" + fw + "/ticker");
      browser.waitFor("document.getElementById('task-state') && document.getElementById('task-state')"
          + ".textContent === 'TASK_RUNNING'", WAIT);
      assertThat(browser.eval("document.getElementById('task-health').textContent").asText()).isEqualTo("healthy");
      browser.waitFor("!!document.querySelector('#sandbox-files a[data-file=\"stdout\"]')", WAIT);
      browser.waitFor("(document.getElementById('log-tail') || {}).textContent.includes('tick-3')", WAIT);
      int seen = browser.eval("document.getElementById('log-tail').textContent.split('\\n').length").asInt();
      browser.waitFor("document.getElementById('log-tail').textContent.split('\\n').length > " + (seen + 3), WAIT);
      browser.screenshot(shots.resolve("task.png"));

      // Without a reload, the page follows the cluster: kill the task, watch its state change
      browser.eval("window.__sameDocument = true");
      driver.killTask("ticker");
      s.awaitState("ticker", TaskState.TASK_KILLED);
      browser.waitFor("document.getElementById('task-state').textContent === 'TASK_KILLED'", WAIT);
      assertThat(browser.eval("window.__sameDocument === true").asBoolean()).isTrue();
      browser.navigate(http + "#/");
      browser.waitFor("document.getElementById('task-count') && document.getElementById('task-count')"
          + ".textContent === '0'", WAIT);
      assertThat(browser.eval("typeof window.__pwned").asText()).isEqualTo("undefined");
      browser.screenshot(shots.resolve("overview-after.png"));

      // Roles: each role's guarantee, limit, allocation and preemptions
      assertThat(Http.put(http + "api/v1/quota/ui/team?force=true",
          "{\"guarantee\": {\"cpus\": 0.5}, \"limit\": {\"cpus\": 1, \"mem\": 512}}").status()).isEqualTo(200);
      browser.navigate(http + "#/roles");
      browser.waitFor("!!document.querySelector('#roles-table tr[data-role=\"ui/team\"]')", WAIT);
      assertThat(browser.eval("document.querySelector('#roles-table tr[data-role=\"ui/team\"] td.guarantee')"
          + ".textContent").asText()).isEqualTo("cpus 0.5");
      assertThat(browser.eval("document.querySelector('#roles-table tr[data-role=\"ui/team\"] td.limit')"
          + ".textContent").asText()).isEqualTo("cpus 1 · mem 512 MiB");
      assertThat(browser.eval("document.querySelector('#roles-table tr[data-role=\"ui/team\"] td.preemptions')"
          + ".textContent").asText()).isEqualTo("0");
      assertThat(browser.eval("!!document.querySelector('#roles-table tr[data-role=\"ui\"]')").asBoolean())
          .as("the ancestor is listed").isTrue();
      assertThat(browser.eval("!!document.querySelector('#roles-table tr[data-role=\"*\"] td.allocated')")
          .asBoolean()).isTrue();
      browser.screenshot(shots.resolve("roles.png"));
      driver.stop();
      driver.join();

      // A framework of several roles: its roles (those suppressed marked) and each task's role
      RecordingScheduler m = new RecordingScheduler();
      CorralSchedulerDriver multi = new CorralSchedulerDriver(m, FrameworkInfo.newBuilder().setName("multi")
          .addRoles("ui/etl").addRoles("ui/adhoc").build(), cluster.masterAddress().toString());
      multi.start();
      Offer forRole = m.nextOffer();
      String role = forRole.getAllocationRole();
      String other = role.equals("ui/etl") ? "ui/adhoc" : "ui/etl";
      multi.launchTasks(List.of(forRole.getId()), List.of(TaskInfos.command("in-role", forRole,
          Resources.parse("cpus:0.25;mem:32"), TaskInfos.shell("sleep 300"))));
      m.awaitState("in-role", TaskState.TASK_RUNNING);
      multi.suppressOffers(List.of(other));
      String mf = m.frameworkId();
      String roles = role.equals("ui/etl") ? "ui/etl, ui/adhoc (suppressed)" : "ui/etl (suppressed), ui/adhoc";
      browser.navigate(http + "#/frameworks");
      browser.waitFor("(document.querySelector('#frameworks-table tr[data-framework-id=\"" + mf + "\"] td.roles')"
          + " || {}).textContent === '" + roles + "'", WAIT);
      assertThat(browser.eval("document.querySelector('#completed-frameworks-table tr[data-framework-id=\"" + fw
          + "\"] td.roles').textContent").asText()).isEqualTo("*");
      browser.navigate(http + "#/frameworks/" + mf);
      browser.waitFor("(document.getElementById('framework-roles') || {}).textContent === '" + roles + "'", WAIT);
      browser.waitFor("(document.querySelector('#tasks-table tr[data-task-id=\"in-role\"] td.role') || {})"
          + ".textContent === '" + role + "'", WAIT);
      browser.screenshot(shots.resolve("framework-of-several-roles.png"));
      browser.navigate(http + "#/tasks/" + mf + "/in-role");
      browser.waitFor("(document.getElementById('task-role') || {}).textContent === '" + role + "'", WAIT);
      multi.stop();
      multi.join();
    }
  }
}
