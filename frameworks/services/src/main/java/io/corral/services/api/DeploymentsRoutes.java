package io.corral.services.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.corral.frameworks.common.http.QueryParams;
import io.corral.http.Response;
import io.corral.services.api.json.DeploymentWriter;
import io.corral.services.app.DeploymentResult;
import io.corral.services.app.DeploymentView;
import io.corral.services.app.ServiceException;
import io.corral.services.app.ServicesBackend;
import java.time.Duration;

/**
 * {@code GET /v2/deployments}, {@code GET /v2/deployments/{id}}, {@code DELETE /v2/deployments/{id}}:
 * a delete rolls the deployment's apps back by a new deployment (200 and its result), or with
 * {@code force=true} only stops it (202, no body), as Marathon did.
 */
final class DeploymentsRoutes {
  private final ServicesBackend backend;
  private final Duration timeout;

  DeploymentsRoutes(ServicesBackend backend, Duration timeout) {
    this.backend = backend;
    this.timeout = timeout;
  }

  Response list() {
    ArrayNode all = Answers.object().arrayNode();
    backend.snapshot().deployments().forEach(d -> all.add(DeploymentWriter.deployment(d)));
    return Answers.json(200, all);
  }

  Response get(String id) {
    DeploymentView d = backend.snapshot().deployments().stream().filter(x -> x.id().equals(id)).findFirst()
        .orElseThrow(() -> ServiceException.unknownDeployment(id));
    return Answers.json(200, DeploymentWriter.deployment(d));
  }

  Response delete(String id, QueryParams q) {
    boolean force = q.flag("force", false);
    DeploymentResult result = Backend.await(backend.deleteDeployment(id, force), timeout);
    if (force) {
      return Response.of(202, "application/json", new byte[0]);
    }
    return Answers.deployment(200, result);
  }
}
