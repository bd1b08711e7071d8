package io.corral.services.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.corral.common.resources.Resources;
import io.corral.protocol.CommandURI;
import io.corral.protocol.EnvironmentVariable;
import io.corral.protocol.Offer;
import io.corral.protocol.TaskInfo;
import io.corral.services.app.AppDefinition;
import io.corral.services.app.AppId;
import io.corral.services.app.FetchUri;
import io.corral.services.app.PortDefinition;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class TaskInfoFactoryTest {
  private static final Instant VERSION = Instant.parse("2026-01-02T03:04:05.678Z");
  private static final Offer OFFER = Fixtures.offer("node-1");

  private static Map<String, String> env(TaskInfo t) {
    return t.getCommand().getEnvironmentList().stream()
        .collect(Collectors.toMap(EnvironmentVariable::getName, EnvironmentVariable::getValue, (a, b) -> b,
            LinkedHashMap::new));
  }

  private static TaskInfo build(AppDefinition app, List<Integer> ports) {
    return TaskInfoFactory.build(app, "eng_web.1234", OFFER, TaskInfoFactory.scalars(app), ports);
  }

  @Test
  void setsMarathonsEnvironment() {
    AppDefinition app = AppDefinition.builder(new AppId("/eng/web")).cmd("python3 -m http.server $PORT0")
        .portDefinitions(List.of(new PortDefinition(0, "tcp", "http", Map.of()), PortDefinition.of(10001)))
        .labels(Map.of("team-name", "eng", "tier", "front"))
        .env(Map.of("GREETING", "hi", "HOST", "overridden-by-the-app"))
        .version(VERSION).build();
    Map<String, String> env = env(build(app, List.of(31000, 31001)));
    assertThat(env).containsEntry("PORT0", "31000").containsEntry("PORT1", "31001")
        .containsEntry("PORT", "31000").containsEntry("PORTS", "31000,31001")
        .containsEntry("PORT_HTTP", "31000").containsEntry("PORT_31000", "31000")
        .containsEntry("PORT_10001", "31001")
        .containsEntry("MARATHON_APP_ID", "/eng/web")
        .containsEntry("MARATHON_APP_VERSION", "2026-01-02T03:04:05.678Z")
        .containsEntry("MESOS_TASK_ID", "eng_web.1234")
        .containsEntry("MARATHON_APP_RESOURCE_CPUS", "1.0")
        .containsEntry("MARATHON_APP_RESOURCE_MEM", "128.0")
        .containsEntry("MARATHON_APP_LABEL_TEAM_NAME", "eng")
        .containsEntry("MARATHON_APP_LABEL_TIER", "front")
        .containsEntry("GREETING", "hi")
        .containsEntry("HOST", "overridden-by-the-app");
    assertThat(env.get("MARATHON_APP_LABELS").split(" ")).containsExactlyInAnyOrder("TEAM_NAME", "TIER");
    AppDefinition plain = app.toBuilder().env(Map.of()).build();
    assertThat(env(build(plain, List.of(31000, 31001)))).containsEntry("HOST", "node-1");
  }

  @Test
  void anAppWithoutPortsHasNoPortVariables() {
    AppDefinition app = AppDefinition.builder(new AppId("/batch")).cmd("true").portDefinitions(List.of())
        .version(VERSION).build();
    assertThat(env(build(app, List.of()))).doesNotContainKeys("PORT", "PORTS", "PORT0");
  }

  @Test
  void cmdRunsThroughTheShellAndArgsWithoutIt() {
    AppDefinition shell = AppDefinition.builder(new AppId("/a")).cmd("echo $HOME").version(VERSION).build();
    TaskInfo t = build(shell, List.of(31000));
    assertThat(t.getCommand().getValue()).isEqualTo("echo $HOME");
    assertThat(t.getCommand().hasShell()).isFalse();

    AppDefinition argv = AppDefinition.builder(new AppId("/a")).args(List.of("/bin/echo", "a b", "$HOME"))
        .version(VERSION).build();
    TaskInfo a = build(argv, List.of(31000));
    assertThat(a.getCommand().getShell()).isFalse();
    assertThat(a.getCommand().getValue()).isEqualTo("/bin/echo");
    assertThat(a.getCommand().getArgumentsList()).containsExactly("/bin/echo", "a b", "$HOME");
  }

  @Test
  void carriesFetchResourcesLabelsUserAndKillGrace() {
    AppDefinition app = AppDefinition.builder(new AppId("/eng/web")).cmd("./run").cpus(0.5).mem(256).disk(100)
        .fetch(List.of(new FetchUri("http://repo/app.tgz", true, false, true, null),
            new FetchUri("http://repo/run", false, true, false, "run")))
        .labels(Map.of("owner", "eng")).user("corral-a").taskKillGracePeriodSeconds(12).version(VERSION).build();
    TaskInfo t = build(app, List.of(31005));
    assertThat(t.getTaskId()).isEqualTo("eng_web.1234");
    assertThat(t.getAgentId()).isEqualTo(OFFER.getAgentId());
    assertThat(t.getCommand().getUrisList()).containsExactly(
        CommandURI.newBuilder().setValue("http://repo/app.tgz").setExtract(true).setExecutable(false).setCache(true)
            .build(),
        CommandURI.newBuilder().setValue("http://repo/run").setExtract(false).setExecutable(true).setCache(false)
            .setOutputFile("run").build());
    assertThat(t.getCommand().getUser()).isEqualTo("corral-a");
    assertThat(t.getLabelsMap()).containsEntry("owner", "eng");
    assertThat(t.getKillPolicy().getGracePeriodSeconds()).isEqualTo(12.0);
    Resources r = Resources.fromProto(t.getResourcesList());
    assertThat(r.cpus()).isEqualTo(0.5);
    assertThat(r.mem()).isEqualTo(256);
    assertThat(r.disk()).isEqualTo(100);
    assertThat(t.hasHealthCheck()).isFalse();
  }
}
