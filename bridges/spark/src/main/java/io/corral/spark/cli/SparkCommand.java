package io.corral.spark.cli;

import io.corral.command.CorralSubcommand;
import io.corral.command.DurationConverter;
import io.corral.command.SizeConverter;
import io.corral.common.security.ClientCredentials;
import io.corral.common.security.CredentialSettings;
import io.corral.spark.SparkSubmitArgs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code corral spark ...}: Spark applications on Corral, a subcommand the Spark bridge adds to
 * {@code corral} (the distribution puts this jar in {@code lib/}; the shaded jar leaves this
 * package out).
 */
@Command(name = "spark", mixinStandardHelpOptions = true, description = "Spark applications on Corral.",
    subcommands = {SparkCommand.Submit.class})
public final class SparkCommand implements Runnable, CorralSubcommand {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public String listedAfter() {
    return "bundle";
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** spark-submit's own options (--class, --conf, ...) pass through to it, in order, with the application's. */
  static final class PassThrough implements CommandLine.IModelTransformer {
    @Override
    public CommandLine.Model.CommandSpec transform(CommandLine.Model.CommandSpec submit) {
      submit.parser().unmatchedOptionsArePositionalParams(true);
      return submit;
    }
  }

  /**
   * {@code corral spark submit --deploy-mode cluster --master M (--spark-home DIR | --spark-uri URI)
   * [--supervise] <spark-submit options> app.jar [args]}: runs the Spark driver itself as a Corral
   * task and returns once it runs (client mode is plain spark-submit with spark+corral://).
   */
  @Command(name = "submit", mixinStandardHelpOptions = true, modelTransformer = PassThrough.class,
      description = {"Run a Spark application's driver as a Corral task (cluster mode); returns once it runs.",
          "Prints 'submitted: driver <task> of framework <id> on <host>'. Other options and the rest are",
          "spark-submit's: --class, --conf, the application jar (a path the agents can read, or a URI) and",
          "its arguments. For client mode use spark-submit --master spark+corral://<master>."})
  public static final class Submit implements Callable<Integer> {
    @Option(names = "--master", required = true,
        description = "The Corral master: host:port, zk://host:port/path, or spark+corral://... (default: master= in "
            + "corral.properties, or $CORRAL_MASTER).")
    String master;

    @Option(names = "--deploy-mode", defaultValue = "cluster", description = "Only 'cluster' (default).")
    String deployMode;

    @Option(names = "--spark-home", description = "Spark as installed on the agents (its jars/ directory is used).")
    String sparkHome;

    @Option(names = "--spark-uri",
        description = "A Spark distribution (archive with a jars/ directory) on HDFS or HTTP, fetched by the agents.")
    String sparkUri;

    @Option(names = "--bridge-jar", description = "corral-spark.jar (default: the one of this installation).")
    String bridgeJar;

    @Option(names = "--supervise", description = "Restart the driver when it fails (up to 3 times).")
    boolean supervise;

    @Option(names = "--driver-memory", defaultValue = "1g", description = "The driver's heap (default ${DEFAULT-VALUE}).")
    String driverMemory;

    @Option(names = "--driver-cores", defaultValue = "1", description = "cpus of the driver task (default ${DEFAULT-VALUE}).")
    double driverCores;

    @Option(names = "--role", defaultValue = "", description = "The role the driver task is offered under.")
    String role;

    @Option(names = "--failover-timeout", converter = DurationConverter.class, defaultValue = "60s",
        description = "How long the master keeps the driver when nobody holds its framework (default ${DEFAULT-VALUE}).")
    Duration failoverTimeout;

    @Option(names = "--timeout", converter = DurationConverter.class, defaultValue = "5min",
        description = "Give up when the driver does not run within this long; a wait for a scheduler slot "
            + "(the master's --scheduler-task-share) restarts it (default ${DEFAULT-VALUE}).")
    Duration timeout;

    @Parameters(paramLabel = "SPARK-SUBMIT-ARGS", arity = "1..*",
        description = "spark-submit's options, the application jar and its arguments.")
    List<String> sparkArgs;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    /**
     * The application's credentials, which this command registers the driver's framework with and
     * the driver task presents too: {@code --conf spark.corral.principal=...}, {@code secret.file},
     * {@code tls.ca}, {@code tls.cert}, {@code tls.key} (files at the same paths on the agents), else
     * the {@code CORRAL_*} environment.
     */
    static final String CREDENTIALS_PREFIX = "spark.corral.";

    @Override
    public Integer call() throws Exception {
      if (!deployMode.equals("cluster")) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--deploy-mode " + deployMode
            + " is not for this command: in client mode run spark-submit --master spark+corral://<master> itself");
      }
      String corralMaster = master.replaceFirst("^(spark\\+)?corral://", "");
      long driverMib = driverMib();
      SparkDriverTask task;
      try {
        SparkDriverTask.requireOneSpark(sparkHome, sparkUri);
        String jar = bridgeJar != null ? bridgeJar : defaultBridgeJar();
        task = new SparkDriverTask(corralMaster, sparkHome, sparkUri, jar, driverMib + "m", supervise, name(),
            failoverTimeout.toMillis() / 1000.0, sparkArgs);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
      }
      ClientCredentials credentials;
      try {
        credentials = CredentialSettings.read(CREDENTIALS_PREFIX, task.sparkConf()::get, System.getenv());
      } catch (java.io.IOException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), "Corral credentials: " + e.getMessage());
      }
      return new DriverLaunch(corralMaster, credentials, task, role, driverCores, driverMib + 384 + 64, timeout,
          System.out).run();
    }

    /** --driver-memory in MiB: a size (512m, 2g, 2GiB), or a bare number of MiB as spark-submit reads it. */
    private long driverMib() {
      String m = driverMemory.trim();
      try {
        return SizeConverter.parse(m.matches("\\d+") ? m + "m" : m) >> 20;
      } catch (CommandLine.TypeConversionException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--driver-memory: " + e.getMessage());
      }
    }

    private String name() {
      int i = sparkArgs.indexOf("--name");
      if (i >= 0 && i + 1 < sparkArgs.size()) {
        return sparkArgs.get(i + 1);
      }
      i = sparkArgs.indexOf("--class");
      return i >= 0 && i + 1 < sparkArgs.size() ? sparkArgs.get(i + 1) : SparkDriverTask.baseName(
          sparkArgs.get(SparkSubmitArgs.appJarIndex(sparkArgs)));
    }

    private String defaultBridgeJar() {
      Path jar = Path.of(System.getProperty("corral.home", "."), "bridges", "spark", "corral-spark.jar");
      if (!Files.exists(jar)) {
        throw new CommandLine.ParameterException(spec.commandLine(), "no " + jar + ": give --bridge-jar");
      }
      return jar.toAbsolutePath().toString();
    }
  }
}
