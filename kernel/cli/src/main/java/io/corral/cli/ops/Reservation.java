package io.corral.cli.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.corral.command.CliException;
import io.corral.common.resources.InvalidResourcesException;
import io.corral.common.resources.PooledResources;

/** What {@code corral agent reserve} and {@code unreserve} share: checking the spec, and the call. */
final class Reservation {
  static final String SPEC_HELP = "Each resource with its role, as an agent's --resources names reserved ones: "
      + "'cpus(eng/etl):1;mem(eng/etl):512'.";

  private Reservation() {}

  /** POSTs {@code {"resources": spec}} to {@code api/v1/agents/<id>/<what>} and prints the master's answer. */
  static int call(MasterOption master, String agentId, String spec, String what) {
    PooledResources wanted;
    try {
      wanted = PooledResources.parse(spec);
    } catch (InvalidResourcesException e) {
      throw new CliException(2, "--resources '" + spec + "': " + e.getMessage());
    }
    if (wanted.isEmpty() || !wanted.unreserved().isEmpty()) {
      throw new CliException(2, "--resources: every resource to " + what + " needs its role, as "
          + "'cpus(eng):1;mem(eng):512'" + (wanted.isEmpty() ? "" : " ('" + wanted.unreserved() + "' names none)"));
    }
    MasterClient client = master.connect();
    JsonNode body = JsonNodeFactory.instance.objectNode().put("resources", spec);
    JsonNode r = Actions.run(() -> client.post("api/v1/agents/" + MasterClient.enc(agentId) + "/" + what, body));
    System.out.println(r.get("message").asText());
    return 0;
  }
}
