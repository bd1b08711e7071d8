package io.corral.services.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.corral.frameworks.common.http.QueryParams;
import io.corral.http.Request;
import io.corral.http.Response;
import io.corral.services.api.json.AppEmbed;
import io.corral.services.api.json.AppInfoWriter;
import io.corral.services.api.json.AppJson;
import io.corral.services.app.AppDefinition;
import io.corral.services.app.AppId;
import io.corral.services.app.AppStatusView;
import io.corral.services.app.DeploymentResult;
import io.corral.services.app.DeploymentView;
import io.corral.services.app.ServiceException;
import io.corral.services.app.ServicesBackend;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code /v2/apps} and {@code /v2/apps/{id}} (and {@code .../restart}) as Marathon answered them. */
final class AppsRoutes {
  private static final Logger LOG = LoggerFactory.getLogger(AppsRoutes.class);

  private final ServicesBackend backend;
  private final Duration timeout;

  AppsRoutes(ServicesBackend backend, Duration timeout) {
    this.backend = backend;
    this.timeout = timeout;
  }

  /** {@code GET /v2/apps}: filtered by {@code cmd}, {@code id}, {@code label}; {@code embed} as asked. */
  Response list(QueryParams q) {
    AppEmbed embed = AppEmbed.forList(q.list("embed"));
    AppFilter filter = AppFilter.of(q);
    ArrayNode apps = Answers.object().arrayNode();
    for (AppStatusView a : backend.snapshot().apps().values()) {
      if (filter.test(a.app())) {
        apps.add(AppInfoWriter.app(a, embed));
      }
    }
    ObjectNode body = Answers.object();
    body.set("apps", apps);
    return Answers.json(200, body);
  }

  /** {@code GET /v2/apps/{id}}: the app with its counts and tasks. */
  Response get(AppId id) {
    return Answers.json(200, Answers.object().set("app", AppInfoWriter.app(status(id), AppEmbed.ALL)));
  }

  /** {@code DELETE /v2/apps/{id}}: {@code force} defaults to true, as in Marathon. */
  Response delete(AppId id, QueryParams q) {
    return Answers.deployment(200, locked(id, () -> backend.deleteApp(id, q.flag("force", true))));
  }

  Response restart(AppId id, QueryParams q) {
    return Answers.deployment(200, locked(id, () -> backend.restartApp(id, q.flag("force", false))));
  }

  /** {@code POST /v2/apps}: 201 with the app, its location and the deployment that starts it. */
  Response create(Request r) {
    AppJson.Parsed parsed = AppJson.read(r.body(), null);
    warnIgnored(r, parsed);
    AppDefinition app = parsed.app();
    DeploymentResult result = Backend.await(backend.createApp(app), timeout);
    AppDefinition created = app.withVersion(result.version());
    AppStatusView view = new AppStatusView(created, 0, 0, 0, 0, List.of(result.deploymentId()), null, List.of());
    return Answers.json(201, AppInfoWriter.app(view, new AppEmbed(true, true, false, false)))
        .withHeader("Location", "/v2/apps" + app.id())
        .withHeader(Answers.DEPLOYMENT_HEADER, result.deploymentId());
  }

  /** Marathon's PUT: by default a partial update over the current definition, creating the app if it is new. */
  Response put(Request r, AppId id, QueryParams q) {
    AppStatusView current = backend.snapshot().apps().get(id);
    boolean partial = q.flag("partialUpdate", true);
    AppJson.Parsed parsed = current != null && partial ? AppJson.merge(current.app(), r.body()) : AppJson.read(r.body(), id);
    warnIgnored(r, parsed);
    boolean force = q.flag("force", false);
    DeploymentResult result = locked(id, () -> backend.putApp(parsed.app(), force));
    Response answer = Answers.deployment(current == null ? 201 : 200, result);
    return current == null ? answer.withHeader("Location", "/v2/apps" + id) : answer;
  }

  Response patch(Request r, AppId id, QueryParams q) {
    AppJson.Parsed parsed = AppJson.merge(status(id).app(), r.body());
    warnIgnored(r, parsed);
    boolean force = q.flag("force", false);
    return Answers.deployment(200, locked(id, () -> backend.putApp(parsed.app(), force)));
  }

  private AppStatusView status(AppId id) {
    AppStatusView s = backend.snapshot().apps().get(id);
    if (s == null) {
      throw ServiceException.unknownApp(id);
    }
    return s;
  }

  /**
   * Runs a command on {@code id}; a 409 (locked by a deployment) is answered as Marathon did, with
   * the deployments that lock it.
   */
  private DeploymentResult locked(AppId id, Supplier<CompletableFuture<DeploymentResult>> command) {
    try {
      return Backend.await(command.get(), timeout);
    } catch (ServiceException e) {
      if (e.status() != 409) {
        throw e;
      }
      List<String> ids = backend.snapshot().deployments().stream()
          .filter(d -> d.affectedApps().contains(id)).map(DeploymentView::id).toList();
      throw new LockedException(e.getMessage(), ids);
    }
  }

  private static void warnIgnored(Request r, AppJson.Parsed parsed) {
    if (!parsed.ignoredFields().isEmpty()) {
      LOG.warn("{} {}: ignored fields {} (accepted, without effect in Corral's services)", r.method(),
          parsed.app().id(), String.join(", ", parsed.ignoredFields()));
    }
  }
}
