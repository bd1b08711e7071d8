package io.corral.services.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.corral.http.Response;
import io.corral.services.app.AppStatusView;
import io.corral.services.app.ServicesBackend;
import io.corral.services.app.ServicesSnapshot;
import java.net.URI;

/**
 * {@code /ping}, {@code /metrics}, {@code /v2/info}, {@code /v2/leader}. {@code /metrics} answers in
 * the shape of Marathon 1.7+ ({@code {"version": "4.0.0", "counters", "gauges", "histograms",
 * "meters", "timers"}}) with the gauges Marathon's documentation names as its important ones; older
 * Marathon answered Dropwizard's JVM and Jersey metrics under names it never promised to keep.
 */
final class InfoRoutes {
  private final ServicesBackend backend;
  private final ServicesInfo info;

  InfoRoutes(ServicesBackend backend, ServicesInfo info) {
    this.backend = backend;
    this.info = info;
  }

  Response ping() {
    return Answers.text(200, "pong");
  }

  Response leader() {
    String leader = hostPort(backend.snapshot().leaderUrl());
    if (leader == null) {
      return Answers.message(404, "There is no leader");
    }
    return Answers.json(200, Answers.object().put("leader", leader));
  }

  Response info() {
    ServicesSnapshot s = backend.snapshot();
    String leader = hostPort(s.leaderUrl());
    ObjectNode o = Answers.object();
    o.put("name", info.name());
    o.put("version", info.version());
    o.put("buildref", "unknown");
    o.put("elected", info.selfUrl().equals(s.leaderUrl()));
    if (leader != null) {
      o.put("leader", leader);
    } else {
      o.putNull("leader");
    }
    if (s.frameworkId() != null) {
      o.put("frameworkId", s.frameworkId());
    }
    ObjectNode marathon = o.putObject("marathon_config");
    marathon.put("master", info.master());
    marathon.put("framework_name", info.frameworkName());
    marathon.put("mesos_role", info.role());
    if (info.user() != null) {
      marathon.put("mesos_user", info.user());
    }
    marathon.put("hostname", info.hostname());
    marathon.put("ha", info.zk() != null);
    marathon.put("checkpoint", true);
    marathon.put("executor", "//cmd");
    marathon.putArray("features");
    marathon.put("webui_url", info.selfUrl());
    ObjectNode zk = o.putObject("zookeeper_config");
    if (info.zk() != null) {
      zk.put("zk", info.zk());
    } else {
      zk.putNull("zk");
    }
    ObjectNode http = o.putObject("http_config");
    http.put("http_port", info.httpPort());
    http.put("https_port", info.httpsPort());
    return Answers.json(200, o);
  }

  Response metrics() {
    ServicesSnapshot s = backend.snapshot();
    int running = 0;
    int staged = 0;
    for (AppStatusView a : s.apps().values()) {
      running += a.tasksRunning();
      staged += a.tasksStaged();
    }
    long groups = s.apps().keySet().stream().map(id -> id.parent()).distinct().count();
    ObjectNode o = Answers.object();
    o.put("version", "4.0.0");
    o.putObject("counters");
    ObjectNode gauges = o.putObject("gauges");
    gauges.putObject("marathon.apps.active.gauge").put("value", s.apps().size());
    gauges.putObject("marathon.deployments.active.gauge").put("value", s.deployments().size());
    gauges.putObject("marathon.groups.active.gauge").put("value", groups);
    gauges.putObject("marathon.instances.running.gauge").put("value", running);
    gauges.putObject("marathon.instances.staged.gauge").put("value", staged);
    o.putObject("histograms");
    o.putObject("meters");
    o.putObject("timers");
    return Answers.json(200, o);
  }

  /** {@code host:port} of a URL, as Marathon names its leader; null for none. */
  private static String hostPort(String url) {
    if (url == null) {
      return null;
    }
    URI u = URI.create(url);
    return u.getHost() == null ? url : u.getHost() + ":" + u.getPort();
  }
}
