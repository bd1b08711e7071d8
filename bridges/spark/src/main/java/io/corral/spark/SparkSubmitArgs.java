package io.corral.spark;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What Corral reads from spark-submit's arguments: where the application jar is, and the
 * {@code --conf} settings before it. One reading for {@code corral spark submit}, which registers a
 * cluster-mode driver's framework, and the driver task that takes that framework over, so both
 * present the same {@code spark.corral.*} credentials.
 */
public final class SparkSubmitArgs {
  /** spark-submit options that take a value (so the application jar is the first other word). */
  static final Set<String> VALUED = Set.of("--class", "--conf", "-c", "--name", "--jars", "--files", "--archives",
      "--packages", "--exclude-packages", "--repositories", "--properties-file", "--driver-java-options",
      "--driver-class-path", "--driver-library-path", "--driver-memory", "--driver-cores", "--executor-memory",
      "--executor-cores", "--total-executor-cores", "--num-executors", "--py-files", "--proxy-user",
      "--principal", "--keytab", "--queue", "--master", "--deploy-mode");

  private SparkSubmitArgs() {}

  /** Where the application jar is among spark-submit's arguments. */
  public static int appJarIndex(List<String> args) {
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (VALUED.contains(a)) {
        i++;
      } else if (!a.startsWith("-")) {
        return i;
      }
    }
    throw new IllegalArgumentException("no application jar among the spark-submit arguments " + args);
  }

  /**
   * The {@code --conf key=value} settings before the application jar (the application's own
   * arguments follow it); the last of a key wins, as in Spark.
   */
  public static Map<String, String> conf(List<String> args) {
    Map<String, String> conf = new HashMap<>();
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      String kv = (a.equals("--conf") || a.equals("-c")) && i + 1 < args.size() ? args.get(++i)
          : a.startsWith("--conf=") ? a.substring("--conf=".length()) : null;
      int eq = kv == null ? -1 : kv.indexOf('=');
      if (eq > 0) {
        conf.put(kv.substring(0, eq).trim(), kv.substring(eq + 1));
      } else if (kv == null && VALUED.contains(a)) {
        i++;
      } else if (kv == null && !a.startsWith("-")) {
        break; // the application jar
      }
    }
    return conf;
  }
}
