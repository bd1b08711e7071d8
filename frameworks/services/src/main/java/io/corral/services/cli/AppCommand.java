package io.corral.services.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.corral.command.CliException;
import io.corral.command.CorralSubcommand;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code corral app add|list|scale|restart|remove}: the services framework's apps from a terminal,
 * through its REST API (Marathon's v2), one line per answer or error.
 */
@Command(name = "app", mixinStandardHelpOptions = true,
    description = "Long-running apps on the services framework (`corral services`), through its REST API.",
    subcommands = {AppCommand.Add.class, AppCommand.ListApps.class, AppCommand.Scale.class, AppCommand.Restart.class,
        AppCommand.Remove.class})
public final class AppCommand implements Runnable, CorralSubcommand {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public String listedAfter() {
    return "services";
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** {@code eng/web} or {@code /eng/web} as the path under {@code v2/apps/}. */
  static String appPath(String id) {
    String p = id.strip();
    while (p.startsWith("/")) {
      p = p.substring(1);
    }
    while (p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    if (p.isEmpty() || !p.matches("[A-Za-z0-9._/-]+")) {
      throw new CliException(2, "bad app id '" + id + "': a path such as /eng/web (letters, digits, '-', '.', '/')");
    }
    return "v2/apps/" + p;
  }

  static String deployment(JsonNode answer) {
    if (answer.hasNonNull("deploymentId")) {
      return " (deployment " + answer.get("deploymentId").asText() + ")";
    }
    if (answer.path("deployments").isArray() && !answer.get("deployments").isEmpty()) {
      return " (deployment " + answer.get("deployments").get(0).path("id").asText() + ")";
    }
    return "";
  }

  @Command(name = "add", mixinStandardHelpOptions = true,
      description = "Create an app from a JSON definition in Marathon's format (POST /v2/apps).")
  public static final class Add implements Callable<Integer> {
    @Mixin ServicesOption services;

    @Parameters(index = "0", paramLabel = "<file.json>", description = "The app definition; - reads standard input.")
    String file;

    @Override
    public Integer call() {
      String body = read(file);
      JsonNode app;
      try {
        app = ServicesClient.JSON.readTree(body);
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new CliException(2, file + " is not JSON: " + e.getOriginalMessage());
      }
      if (app == null || !app.isObject()) {
        throw new CliException(2, file + " must hold one JSON object (an app definition)");
      }
      JsonNode created = services.connect().post("v2/apps", body);
      System.out.println("created " + created.path("id").asText(app.path("id").asText()) + deployment(created));
      return 0;
    }

    private static String read(String file) {
      try {
        return "-".equals(file) ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8)
            : Files.readString(Path.of(file), StandardCharsets.UTF_8);
      } catch (NoSuchFileException e) {
        throw new CliException(2, "no such file: " + file);
      } catch (IOException e) {
        throw new CliException(2, "cannot read " + file + ": " + e.getMessage());
      }
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "List the apps: instances running and wanted, healthy, resources, deployments (GET /v2/apps).")
  public static final class ListApps implements Callable<Integer> {
    @Mixin ServicesOption services;

    @Option(names = "--json", description = "Print the API's JSON instead of a table.")
    boolean json;

    @Override
    public Integer call() {
      JsonNode apps = services.connect().get("v2/apps").path("apps");
      if (json) {
        System.out.println(apps.toPrettyString());
        return 0;
      }
      AppTable.of(apps).print(System.out);
      return 0;
    }
  }

  @Command(name = "scale", mixinStandardHelpOptions = true,
      description = "Set an app's number of instances (PATCH /v2/apps/<id> {\"instances\": n}; an unknown app is "
          + "not created).")
  public static final class Scale implements Callable<Integer> {
    @Mixin ServicesOption services;

    @Parameters(index = "0", paramLabel = "<id>", description = "The app's id, e.g. /eng/web.")
    String id;

    @Parameters(index = "1", paramLabel = "<n>", description = "Instances wanted (0 stops them all, keeping the app).")
    int instances;

    @Option(names = "--force", description = "Scale even while a deployment holds the app (it is cancelled).")
    boolean force;

    @Override
    public Integer call() {
      if (instances < 0) {
        throw new CliException(2, "<n> must be 0 or more, not " + instances);
      }
      ObjectNode body = ServicesClient.JSON.createObjectNode().put("instances", instances);
      JsonNode r = services.connect().patch(appPath(id) + (force ? "?force=true" : ""), body.toString());
      System.out.println("scaling " + AppCommand.display(id) + " to " + instances + deployment(r));
      return 0;
    }
  }

  @Command(name = "restart", mixinStandardHelpOptions = true,
      description = "Replace every instance of an app, rolling as its upgradeStrategy allows (POST /v2/apps/<id>/restart).")
  public static final class Restart implements Callable<Integer> {
    @Mixin ServicesOption services;

    @Parameters(index = "0", paramLabel = "<id>", description = "The app's id, e.g. /eng/web.")
    String id;

    @Option(names = "--force", description = "Restart even while a deployment holds the app (it is cancelled).")
    boolean force;

    @Override
    public Integer call() {
      JsonNode r = services.connect().post(appPath(id) + "/restart" + (force ? "?force=true" : ""), "{}");
      System.out.println("restarting " + AppCommand.display(id) + deployment(r));
      return 0;
    }
  }

  @Command(name = "remove", mixinStandardHelpOptions = true,
      description = "Stop an app's instances and forget it (DELETE /v2/apps/<id>).")
  public static final class Remove implements Callable<Integer> {
    @Mixin ServicesOption services;

    @Parameters(index = "0", paramLabel = "<id>", description = "The app's id, e.g. /eng/web.")
    String id;

    @Option(names = "--force", description = "Remove even while a deployment holds the app (it is cancelled).")
    boolean force;

    @Override
    public Integer call() {
      JsonNode r = services.connect().delete(appPath(id) + (force ? "?force=true" : ""));
      System.out.println("removing " + AppCommand.display(id) + deployment(r));
      return 0;
    }
  }

  /** The id as users write it: with its leading slash. */
  static String display(String id) {
    return "/" + appPath(id).substring("v2/apps/".length());
  }
}
