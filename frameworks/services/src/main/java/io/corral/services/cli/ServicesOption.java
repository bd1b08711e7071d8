package io.corral.services.cli;

import io.corral.command.ClientSecurityOptions;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code --services URL} (or {@code CORRAL_SERVICES}) and the client's security options. */
public final class ServicesOption {
  @Option(names = "--services", paramLabel = "URL",
      description = "The services framework: the URL `corral services` printed, http(s)://host:port (default: "
          + "services= in corral.properties, or $CORRAL_SERVICES).")
  String services;

  @Mixin ClientSecurityOptions security;

  ServicesClient connect() {
    return ServicesClient.connect(services, security.credentials());
  }
}
