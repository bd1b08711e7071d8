package io.corral.cli.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.corral.command.CliException;
import io.corral.common.resources.Resources;
import io.corral.master.roles.QuotaRequests;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code corral quota set <role> [--guarantee SPEC] [--limit SPEC] [--force]}. */
@Command(name = "set", mixinStandardHelpOptions = true,
    description = "Set (or replace) a role's quota (PUT /api/v1/quota/<role>). A resource the limit does not name "
        + "is not limited; scalar resources only.")
public final class QuotaSetCommand implements Callable<Integer> {
  @Mixin MasterOption master;

  @Parameters(index = "0", paramLabel = "<role>", description = "The role, e.g. eng or eng/etl.")
  String role;

  @Option(names = "--guarantee", paramLabel = "SPEC",
      description = "What the role gets whenever it has demand, as --resources takes it: 'cpus:2;mem:1024'.")
  String guarantee;

  @Option(names = "--limit", paramLabel = "SPEC",
      description = "What the role never holds more of (offered or used), e.g. 'cpus:4'.")
  String limit;

  @Option(names = "--force", description = "Set the guarantee even if the guarantees then sum to more than the "
      + "cluster has.")
  boolean force;

  @Override
  public Integer call() {
    Actions.role(role);
    if (guarantee == null && limit == null) {
      throw new CliException(2, "give --guarantee, --limit or both (to remove the quota: corral quota remove "
          + role + ")");
    }
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    if (guarantee != null) {
      scalars(body.putObject("guarantee"), spec(guarantee, "--guarantee"));
    }
    if (limit != null) {
      scalars(body.putObject("limit"), spec(limit, "--limit"));
    }
    MasterClient client = master.connect();
    JsonNode r = Actions.run(() -> client.put("api/v1/quota/" + Actions.rolePath(role) + (force ? "?force=true" : ""),
        body));
    System.out.println(r.get("message").asText());
    return 0;
  }

  private static Resources spec(String spec, String option) {
    try {
      return QuotaRequests.spec(spec, option);
    } catch (IllegalArgumentException e) {
      throw new CliException(2, e.getMessage());
    }
  }

  private static void scalars(ObjectNode out, Resources r) {
    r.scalars().forEach(out::put);
  }
}
