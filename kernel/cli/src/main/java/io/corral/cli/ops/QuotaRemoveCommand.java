package io.corral.cli.ops;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code corral quota remove <role>}. */
@Command(name = "remove", mixinStandardHelpOptions = true,
    description = "Remove a role's quota: no guarantee, no limit (DELETE /api/v1/quota/<role>).")
public final class QuotaRemoveCommand implements Callable<Integer> {
  @Mixin MasterOption master;

  @Parameters(index = "0", paramLabel = "<role>", description = "The role.")
  String role;

  @Override
  public Integer call() {
    Actions.role(role);
    MasterClient client = master.connect();
    JsonNode r = Actions.run(() -> client.delete("api/v1/quota/" + Actions.rolePath(role)));
    System.out.println(r.get("message").asText());
    return 0;
  }
}
