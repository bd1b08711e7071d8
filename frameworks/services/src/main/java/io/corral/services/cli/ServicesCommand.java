package io.corral.services.cli;

import io.corral.bridges.common.Drivers;
import io.corral.command.CorralSubcommand;
import io.corral.frameworks.common.FrameworkInstance;
import io.corral.frameworks.common.FrameworkOptions;
import io.corral.frameworks.common.FrameworkSettings;
import io.corral.services.ServicesApp;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code corral services --master M [--zk Z] [--work-dir D] [--http-port P] [--role R] ...}: the services
 * framework (Marathon's v2 REST API) in this process, until stopped or until it loses its leadership
 * (exit codes as {@code corral master}'s: its supervisor starts it again as a standby).
 */
@Command(name = "services", mixinStandardHelpOptions = true,
    description = {"Run the services framework: long-running apps through Marathon's v2 REST API (corral app ...).",
        "",
        "Prints 'services: http://<host>:<port>' once it serves. Without --zk one instance runs, its state in "
            + "--work-dir; with --zk several instances on one path elect a leader, and the others pass requests on to "
            + "it. Runs until stopped (SIGTERM); exits 3 (ZooKeeper session lost), 4 (leadership lost) or 5 (state "
            + "not stored) for its supervisor to start it again, as a standby."})
public final class ServicesCommand implements Callable<Integer>, CorralSubcommand {
  /** The API's port unless --http-port: Marathon's. */
  public static final int DEFAULT_HTTP_PORT = 8080;

  @Mixin FrameworkOptions options;

  @Override
  public String listedAfter() {
    return "storm";
  }

  @Override
  public Integer call() {
    FrameworkSettings settings = options.settings("services", DEFAULT_HTTP_PORT, System.out);
    return FrameworkInstance.run(new ServicesApp(), settings,
        Drivers.corral(settings.master(), settings.credentials()));
  }
}
