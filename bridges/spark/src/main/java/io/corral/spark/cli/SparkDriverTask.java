package io.corral.spark.cli;

import static io.corral.common.process.CommandLines.quote;

import io.corral.protocol.CommandInfo;
import io.corral.protocol.CommandURI;
import io.corral.protocol.EnvironmentVariable;
import io.corral.spark.SparkSubmitArgs;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The command of a Spark driver task in cluster mode: the agent fetches the Spark bridge jar,
 * the application jar (and a Spark distribution, when given as a URI) into the sandbox, and runs
 * the bridge's {@code io.corral.spark.ClusterDriver}, which runs Spark's {@code SparkSubmit} in
 * client mode against the same Corral master. Knows no Spark classes: only spark-submit's
 * command-line syntax.
 *
 * @param master the Corral master (host:port or zk://...)
 * @param sparkHome a Spark installation present on the agents (null when {@code sparkUri} is set)
 * @param sparkUri a Spark distribution to fetch and extract (null when {@code sparkHome} is set)
 * @param bridgeJar corral-spark.jar: a path the agents can read, or a URI
 * @param driverMemory the Spark driver's heap, e.g. {@code 1g}
 * @param supervise restart the driver when it fails
 * @param sparkArgs spark-submit's arguments: options, the application jar, its arguments
 */
public record SparkDriverTask(String master, String sparkHome, String sparkUri, String bridgeJar,
    String driverMemory, boolean supervise, String name, double failoverTimeoutSeconds, List<String> sparkArgs) {

  public SparkDriverTask {
    requireOneSpark(sparkHome, sparkUri);
    sparkArgs = List.copyOf(sparkArgs);
    SparkSubmitArgs.appJarIndex(sparkArgs); // fails early without an application jar
  }

  static void requireOneSpark(String sparkHome, String sparkUri) {
    if ((sparkHome == null) == (sparkUri == null)) {
      throw new IllegalArgumentException("give one of --spark-home (Spark installed on the agents) and --spark-uri"
          + " (a Spark distribution the agents fetch)");
    }
  }

  /** The {@code --conf key=value} settings among spark-submit's arguments (see {@link SparkSubmitArgs#conf}). */
  public Map<String, String> sparkConf() {
    return SparkSubmitArgs.conf(sparkArgs);
  }

  public CommandInfo command() {
    List<String> args = sparkArgs;
    int app = SparkSubmitArgs.appJarIndex(args);
    String appJar = args.get(app);
    StringBuilder sh = new StringBuilder();
    if (sparkUri != null) {
      sh.append("JARS=\"$(ls -d jars */jars 2>/dev/null | head -n 1)\"; ")
          .append("if [ -z \"$JARS\" ]; then echo 'no jars/ directory in the Spark distribution fetched' >&2; exit 1; fi; ");
    } else {
      sh.append("JARS=").append(quote(sparkHome + "/jars")).append("; ");
    }
    sh.append("exec \"${JAVA_HOME:+$JAVA_HOME/bin/}java\" -Xmx64m -XX:+UseSerialGC -cp ")
        .append(quote(baseName(bridgeJar))).append(":\"$JARS/*\" io.corral.spark.ClusterDriver")
        .append(" --driver-memory ").append(quote(driverMemory));
    if (supervise) {
      sh.append(" --supervise");
    }
    sh.append(" -- --master ").append(quote("spark+corral://" + master)).append(" --deploy-mode client");
    if (!mentions(args, "spark.corral.executor.home") && !mentions(args, "spark.corral.executor.uri")) {
      sh.append(" --conf ").append(quote(sparkUri != null ? "spark.corral.executor.uri=" + sparkUri
          : "spark.corral.executor.home=" + sparkHome));
    }
    if (!mentions(args, "spark.driver.host") && !mentions(args, "spark.driver.bindAddress")) {
      // Executors reach the driver where its agent is reached (the agent's advertised host, given to every task),
      // and it listens on every interface: behind a NAT that host need not be an address of this one.
      sh.insert(0, "set --; if [ -n \"$CORRAL_AGENT_HOSTNAME\" ]; then set -- --conf \"spark.driver.host=$CORRAL_AGENT_HOSTNAME\" "
          + "--conf spark.driver.bindAddress=0.0.0.0; fi; ");
      sh.append(" \"$@\"");
    }
    if (!mentions(args, "spark.corral.bridge.uri")) {
      // The executors get the bridge from where this submission found it, not from the driver's sandbox.
      sh.append(" --conf ").append(quote("spark.corral.bridge.uri=" + uri(bridgeJar, true, false).getValue()));
    }
    if (!mentions(args, "--jars") && !mentions(args, "spark.jars=")) {
      sh.append(" --jars ").append(inSandbox(baseName(bridgeJar)));
    }
    for (int i = 0; i < args.size(); i++) {
      sh.append(' ').append(i == app ? inSandbox(baseName(appJar)) : quote(args.get(i)));
    }
    CommandInfo.Builder b = CommandInfo.newBuilder().setValue(sh.toString())
        .addUris(uri(bridgeJar, true, false)).addUris(uri(appJar, false, false))
        .addEnvironment(env("CORRAL_SPARK_DRIVER_NAME", name))
        .addEnvironment(env("CORRAL_SPARK_FAILOVER", Double.toString(failoverTimeoutSeconds)));
    if (sparkUri != null) {
      b.addUris(uri(sparkUri, true, true));
    }
    return b.build();
  }

  /**
   * A file fetched into the sandbox as spark-submit gets it: an absolute path (Spark resolves
   * relative ones with Hadoop's {@code Path}, in a working directory whose path holds
   * URL-encoded ids: a {@code file://} URI would decode them).
   */
  private static String inSandbox(String name) {
    return "\"$PWD/\"" + quote(name);
  }

  private static boolean mentions(List<String> args, String s) {
    return args.stream().anyMatch(a -> a.contains(s));
  }

  private static CommandURI uri(String pathOrUri, boolean cache, boolean extract) {
    String value = pathOrUri.contains("://") ? pathOrUri : Path.of(pathOrUri).toAbsolutePath().toString();
    return CommandURI.newBuilder().setValue(value).setCache(cache).setExtract(extract).build();
  }

  private static EnvironmentVariable env(String name, String value) {
    return EnvironmentVariable.newBuilder().setName(name).setValue(value).build();
  }

  static String baseName(String pathOrUri) {
    String path = pathOrUri.contains("://") ? URI.create(pathOrUri).getPath() : pathOrUri;
    return Path.of(path).getFileName().toString();
  }
}
