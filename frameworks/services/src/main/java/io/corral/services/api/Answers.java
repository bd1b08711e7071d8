package io.corral.services.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.corral.http.Response;
import io.corral.services.api.json.DeploymentWriter;
import io.corral.services.api.json.MarathonJson;
import io.corral.services.app.DeploymentResult;
import java.nio.charset.StandardCharsets;

/** Marathon's answers: JSON bodies, {@code {"message": ...}} errors, deployment results with their header. */
final class Answers {
  /** The header naming the deployment a change started (Marathon's). */
  static final String DEPLOYMENT_HEADER = "Marathon-Deployment-Id";

  private Answers() {}

  static Response json(int status, JsonNode body) {
    return Response.of(status, "application/json", MarathonJson.bytes(body));
  }

  static Response message(int status, String message) {
    return json(status, MarathonJson.object().put("message", message));
  }

  static Response text(int status, String body) {
    return Response.of(status, "text/plain; charset=utf-8", body.getBytes(StandardCharsets.UTF_8));
  }

  /** {@code {"version", "deploymentId"}} with the deployment header. */
  static Response deployment(int status, DeploymentResult r) {
    return json(status, DeploymentWriter.result(r)).withHeader(DEPLOYMENT_HEADER, r.deploymentId());
  }

  static ObjectNode object() {
    return MarathonJson.object();
  }
}
