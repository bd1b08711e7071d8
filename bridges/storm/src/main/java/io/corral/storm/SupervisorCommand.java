package io.corral.storm;

import static io.corral.common.process.CommandLines.quote;

import io.corral.protocol.CommandInfo;
import io.corral.protocol.CommandURI;
import io.corral.protocol.EnvironmentVariable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The shell command of a Supervisor executor: {@link CorralSupervisor} (Storm's own
 * {@code Supervisor} daemon with a Corral {@code ISupervisor}) in a JVM whose classpath is
 * corral-storm.jar and Storm's {@code lib/}, with Storm from one of (first that applies):
 * {@value StormSettings#SUPERVISOR_URI} (an archive of a Storm home, fetched through the agent's
 * fetcher cache and extracted into the sandbox), {@value StormSettings#SUPERVISOR_STORM_HOME}, or
 * the Nimbus's own Storm home at the same path.
 *
 * <p>The cluster's settings reach the Supervisor (and through {@code storm.conf.file} its workers)
 * in {@value #YAML_ENV}; it adds the sandbox's directories and writes its {@code storm.yaml}.
 */
final class SupervisorCommand {
  static final String YAML_ENV = "CORRAL_STORM_YAML";
  static final String BRIDGE_JAR_NAME = "corral-storm.jar";
  static final String MAIN = "io.corral.storm.CorralSupervisor";

  private final String stormUri;
  private final String stormHome;
  private final String bridgeJar;
  private final List<String> jvmOptions;

  /**
   * @param stormUri an archive of a Storm home to fetch, or empty
   * @param stormHome a Storm home at this path on every agent (used without {@code stormUri})
   * @param bridgeJar a URI or path of corral-storm.jar
   * @param jvmOptions the Supervisor JVM's options ({@code supervisor.childopts})
   */
  SupervisorCommand(String stormUri, String stormHome, String bridgeJar, List<String> jvmOptions) {
    this.stormUri = stormUri;
    this.stormHome = stormHome;
    this.bridgeJar = bridgeJar;
    this.jvmOptions = List.copyOf(jvmOptions);
  }

  /** Where the Supervisors' Storm comes from, for the log. */
  String source() {
    return stormUri.isEmpty() ? "installed at " + stormHome : "fetched from " + stormUri;
  }

  CommandInfo build(String yaml) {
    StringBuilder sh = new StringBuilder();
    if (!stormUri.isEmpty()) {
      sh.append("STORM_HOME=; for d in . *; do if [ -d \"$d/lib-worker\" ]; then STORM_HOME=\"$PWD/$d\"; break; fi; done; ")
          .append("if [ -z \"$STORM_HOME\" ]; then echo 'no lib-worker/ directory in the archive of ")
          .append(StormSettings.SUPERVISOR_URI).append(" (a Storm home is expected)' >&2; exit 1; fi; ");
    } else {
      sh.append("STORM_HOME=").append(quote(stormHome)).append("; ");
    }
    sh.append("export STORM_CONF_DIR=\"$STORM_HOME/conf\"; ")
        .append("exec \"${JAVA_HOME:+$JAVA_HOME/bin/}java\"");
    for (String o : jvmOptions) {
      sh.append(' ').append(quote(o));
    }
    sh.append(" -cp ").append(quote(BRIDGE_JAR_NAME)).append(":\"$STORM_HOME/lib/*\":\"$STORM_HOME/conf\"")
        .append(" -Dstorm.home=\"$STORM_HOME\"")
        .append(" -Dstorm.log.dir=\"$CORRAL_SANDBOX/logs\"")
        .append(" -Dlog4j.configurationFile=\"$STORM_HOME/log4j2/cluster.xml\"")
        .append(" -Dstorm.conf.file=\"$CORRAL_SANDBOX/storm.yaml\"")
        .append(' ').append(MAIN);
    CommandInfo.Builder b = CommandInfo.newBuilder().setValue(sh.toString());
    // A path is copied each time (a rebuilt jar is seen at once); a URI is downloaded once per agent.
    b.addUris(CommandURI.newBuilder().setValue(bridgeJar).setExtract(false).setCache(bridgeJar.contains("://"))
        .setOutputFile(BRIDGE_JAR_NAME));
    if (!stormUri.isEmpty()) {
      b.addUris(CommandURI.newBuilder().setValue(stormUri).setCache(true).setExtract(true));
    }
    Map<String, String> env = new LinkedHashMap<>();
    env.put(YAML_ENV, yaml);
    env.forEach((k, v) -> b.addEnvironment(EnvironmentVariable.newBuilder().setName(k).setValue(v)));
    return b.build();
  }
}
