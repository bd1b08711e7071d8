package io.corral.cli.ops;

import com.fasterxml.jackson.databind.JsonNode;
import io.corral.command.CliException;

/** Operator actions: a POST whose refusal (404 unknown, 409 not applicable) becomes one line and exit 1. */
final class Actions {
  private Actions() {}

  static JsonNode post(MasterClient client, String path) {
    try {
      return client.post(path);
    } catch (MasterClient.ApiError e) {
      throw new CliException(1, e.getMessage());
    }
  }
}
