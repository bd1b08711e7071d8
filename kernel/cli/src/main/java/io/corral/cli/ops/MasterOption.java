package io.corral.cli.ops;

import io.corral.command.ClientSecurityOptions;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The {@code --master} every operator command takes (default: {@code master=} in corral.properties, or
 * the CORRAL_MASTER environment variable, as for every command: see Settings; the annotation's default
 * is for command lines built without those settings).
 */
public final class MasterOption {
  @Option(names = "--master", defaultValue = "${env:CORRAL_MASTER}",
      description = "The master: host:port, zk://host:port/path or its HTTP URL http://host:port/ "
          + "(default: master= in corral.properties, or $CORRAL_MASTER).")
  String master;

  @Mixin ClientSecurityOptions security;

  public MasterClient connect() {
    return MasterClient.connect(master, security.credentials());
  }
}
