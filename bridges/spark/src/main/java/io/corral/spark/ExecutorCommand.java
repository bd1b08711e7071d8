package io.corral.spark;

import static io.corral.common.process.CommandLines.quote;

import io.corral.protocol.CommandInfo;
import io.corral.protocol.CommandURI;
import io.corral.protocol.EnvironmentVariable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkConf;
import scala.Tuple2;

/**
 * The shell command of an executor: {@link SparkExecutor}, which runs Spark's own
 * {@code CoarseGrainedExecutorBackend} in its JVM, sized from {@link ExecutorSpec}, with
 * corral-spark.jar ({@value #BRIDGE_URI}, else the driver's copy) fetched into the sandbox and
 * Spark's classes from {@link ExecutorSpark} (fetched into the sandbox, or installed on the agent).
 * Shuffle and block files go to the task's sandbox ({@code SPARK_LOCAL_DIRS}), and the executor
 * reports its sandbox's {@code stdout} and {@code stderr} as its log URLs (Spark UI).
 */
final class ExecutorCommand {
  static final String BRIDGE_JAR_NAME = "corral-spark.jar";
  /** Where agents get corral-spark.jar (SparkExecutor) from; default: the driver's own copy, by path. */
  static final String BRIDGE_URI = "spark.corral.bridge.uri";
  /** Runs Spark's {@code CoarseGrainedExecutorBackend} as a Corral executor, in one JVM. */
  static final String MAIN = "io.corral.spark.SparkExecutor";

  private final SparkConf conf;
  private final ExecutorSpec spec;
  private final String driverUrl;
  private final ExecutorSpark spark;
  private final String bridgeJar;

  /**
   * @param driverBridgeJar where the driver loaded corral-spark.jar from (used when
   *     {@value #BRIDGE_URI} is not set)
   */
  ExecutorCommand(SparkConf conf, ExecutorSpec spec, String driverUrl, ExecutorSpark spark, String driverBridgeJar) {
    this.conf = conf;
    this.spec = spec;
    this.driverUrl = driverUrl;
    this.spark = spark;
    this.bridgeJar = conf.get(BRIDGE_URI, "").isBlank() ? driverBridgeJar : conf.get(BRIDGE_URI).trim();
  }

  CommandInfo build(String executorId, String hostname, String appId) {
    StringBuilder sh = new StringBuilder();
    if (spark instanceof ExecutorSpark.Installed i) {
      sh.append("JARS=").append(quote(i.jarsDir())).append("; ");
    } else {
      sh.append("JARS=$(ls -d jars */jars 2>/dev/null | head -n 1); ")
          .append("if [ -z \"$JARS\" ]; then echo 'no jars/ directory in the archive of " + ExecutorSpark.URI
              + "' >&2; exit 1; fi; ");
    }
    sh.append("export SPARK_LOCAL_DIRS=\"$CORRAL_SANDBOX\"; ")
        // the Spark UI's log links: the agent's HTTP view of the sandbox, else the file itself
        .append("LOGS=\"${CORRAL_SANDBOX_URL:-file://$CORRAL_SANDBOX/}\"; ")
        .append("export SPARK_LOG_URL_STDOUT=\"${LOGS}stdout\"; ")
        .append("export SPARK_LOG_URL_STDERR=\"${LOGS}stderr\"; ")
        .append("exec \"${JAVA_HOME:+$JAVA_HOME/bin/}java\"");
    String extraCp = conf.get("spark.executor.extraClassPath", "").trim();
    sh.append(" -cp ").append(extraCp.isEmpty() ? "" : quote(extraCp) + ":").append(quote(BRIDGE_JAR_NAME))
        .append(":\"$JARS/*\"");
    sh.append(" -Xmx").append(spec.heapMib()).append('m');
    for (String opt : jvmOptions()) {
      sh.append(' ').append(quote(opt));
    }
    String libPath = conf.get("spark.executor.extraLibraryPath", "").trim();
    if (!libPath.isEmpty()) {
      sh.append(' ').append(quote("-Djava.library.path=" + libPath));
    }
    sh.append(' ').append(MAIN)
        .append(" --driver-url ").append(quote(driverUrl))
        .append(" --executor-id ").append(quote(executorId))
        .append(" --hostname ").append(quote(hostname))
        .append(" --cores ").append(spec.cores())
        .append(" --app-id ").append(quote(appId))
        .append(" --resourceProfileId 0");
    CommandInfo.Builder b = CommandInfo.newBuilder().setValue(sh.toString());
    // A path is copied each time (a rebuilt jar is seen at once); a URI is downloaded once per agent.
    b.addUris(CommandURI.newBuilder().setValue(bridgeJar).setExtract(false).setCache(bridgeJar.contains("://"))
        .setOutputFile(BRIDGE_JAR_NAME));
    env().forEach((k, v) -> b.addEnvironment(EnvironmentVariable.newBuilder().setName(k).setValue(v)));
    if (spark instanceof ExecutorSpark.Fetched f) {
      CommandURI.Builder u = CommandURI.newBuilder().setValue(f.uri()).setCache(true).setExtract(true);
      if (!f.sha256().isEmpty()) {
        u.setSha256(f.sha256());
      }
      b.addUris(u);
    }
    return b.build();
  }

  /**
   * Java 17's module openings Spark needs, the user's {@code spark.executor.extraJavaOptions},
   * and the Spark settings an executor needs before it talks to the driver (authentication,
   * encryption, ports: {@code SparkConf.isExecutorStartupConf}), as Spark's own backends pass them.
   */
  List<String> jvmOptions() {
    List<String> opts = new ArrayList<>();
    for (String o : org.apache.spark.launcher.JavaModuleOptions.defaultModuleOptionArray()) {
      opts.add(o);
    }
    String extra = conf.get("spark.executor.extraJavaOptions", "").trim();
    if (!extra.isEmpty()) {
      opts.addAll(scala.jdk.javaapi.CollectionConverters.asJava(
          org.apache.spark.util.Utils.splitCommandString(extra)));
    }
    for (Tuple2<String, String> kv : conf.getAll()) {
      if (SparkConf.isExecutorStartupConf(kv._1())) {
        opts.add("-D" + kv._1() + "=" + kv._2());
      }
    }
    return opts;
  }

  /** {@code spark.executorEnv.*}. */
  Map<String, String> env() {
    Map<String, String> env = new LinkedHashMap<>();
    for (Tuple2<String, String> kv : scala.jdk.javaapi.CollectionConverters.asJava(conf.getExecutorEnv())) {
      env.put(kv._1(), kv._2());
    }
    return env;
  }
}
