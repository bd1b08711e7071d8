package io.corral.cli.ops;

import com.fasterxml.jackson.databind.JsonNode;
import io.corral.command.CliException;

/**
 * Operator actions: a request whose refusal becomes one line, exit 2 for a request the master
 * found invalid (400: bad input), else exit 1 (404 unknown, 409 not applicable, ...).
 */
final class Actions {
  private Actions() {}

  static JsonNode post(MasterClient client, String path) {
    return run(() -> client.post(path));
  }

  static JsonNode run(java.util.function.Supplier<JsonNode> request) {
    try {
      return request.get();
    } catch (MasterClient.ApiError e) {
      throw new CliException(e.status() == 400 ? 2 : 1, e.getMessage());
    }
  }

  /** A role as given on the command line: a valid role name, else bad input (exit 2). */
  static String role(String role) {
    String problem = io.corral.common.roles.RoleNames.problem(role);
    if (problem != null) {
      throw new CliException(2, problem);
    }
    return role;
  }

  /** The API path of a role: its components encoded, its slashes kept. */
  static String rolePath(String role) {
    return String.join("/", java.util.Arrays.stream(role.split("/")).map(MasterClient::enc).toList());
  }
}
