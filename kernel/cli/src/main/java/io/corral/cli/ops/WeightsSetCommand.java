package io.corral.cli.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.corral.command.CliException;
import io.corral.master.roles.QuotaRequests;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code corral weights set <role>=<w>[,<role>=<w>...]}. */
@Command(name = "set", mixinStandardHelpOptions = true,
    description = "Set roles' weights (PUT /api/v1/weights); they override the master's --weights and survive a "
        + "failover.")
public final class WeightsSetCommand implements Callable<Integer> {
  @Mixin MasterOption master;

  @Parameters(index = "0", paramLabel = "<role>=<weight>[,...]", description = "E.g. eng=2,eng/etl=3.")
  String weights;

  @Override
  public Integer call() {
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    for (String item : weights.split(",", -1)) {
      int eq = item.lastIndexOf('=');
      if (eq < 0) {
        throw new CliException(2, "'" + item + "' is not <role>=<weight> (e.g. eng=2,eng/etl=3)");
      }
      String role = Actions.role(item.substring(0, eq).strip());
      double w;
      try {
        w = QuotaRequests.checkWeight(role, Double.parseDouble(item.substring(eq + 1).strip()));
      } catch (NumberFormatException e) {
        throw new CliException(2, "the weight of role '" + role + "' is not a number: '" + item.substring(eq + 1) + "'");
      } catch (IllegalArgumentException e) {
        throw new CliException(2, e.getMessage());
      }
      if (body.has(role)) {
        throw new CliException(2, "role '" + role + "' is given twice");
      }
      body.put(role, w);
    }
    MasterClient client = master.connect();
    JsonNode r = Actions.run(() -> client.put("api/v1/weights", body));
    System.out.println(r.get("message").asText());
    return 0;
  }
}
