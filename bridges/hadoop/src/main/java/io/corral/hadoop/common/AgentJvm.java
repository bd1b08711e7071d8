package io.corral.hadoop.common;

import io.corral.protocol.CommandInfo;
import io.corral.protocol.CommandURI;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;

/**
 * Where the JVMs the bridge starts on agents (the job's AM and its TaskTracker executors; the
 * task JVMs inherit the executor's classpath) get their classes from: either a bundle fetched
 * into the sandbox through the agent's fetcher cache ({@value #BUNDLE_URI}), or a classpath
 * already present on every agent ({@value CorralMr#CLASSPATH}, else the submitting client's own).
 */
public final class AgentJvm {
  /**
   * A {@code .tar.gz} (or any archive the fetcher extracts) of corral-hadoop.jar and the Hadoop
   * jars it needs, published once with {@code corral bundle push}, e.g.
   * {@code hdfs://nn:8020/apps/corral/corral-hadoop-bundle.tar.gz}. When set, agents need no Hadoop.
   */
  public static final String BUNDLE_URI = "corral.hadoop.bundle.uri";
  /** The classpath inside an extracted bundle, relative to the sandbox, {@code :}-separated. */
  public static final String BUNDLE_CLASSPATH = "corral.hadoop.bundle.classpath";
  public static final String BUNDLE_CLASSPATH_DEFAULT = "lib/*";
  /** SHA-256 (hex) of the bundle; the fetch fails on a mismatch. Optional. */
  public static final String BUNDLE_SHA256 = "corral.hadoop.bundle.sha256";

  /**
   * Hadoop's container logging (log4j 1 / reload4j, {@code container-log4j.properties} from the
   * NodeManager jar) into {@code syslog} in the sandbox, as a NodeManager sets it up for the
   * MRAppMaster; ignored by other logging backends.
   */
  public static final String LOG4J_OPTIONS = "-Dlog4j.configuration=container-log4j.properties"
      + " -Dyarn.app.container.log.dir=. -Dyarn.app.container.log.filesize=0"
      + " -Dhadoop.root.logger=INFO,CLA -Dhadoop.root.logfile=syslog";

  /**
   * What a NodeManager on Java 17 puts for {@code <ADD_OPENS>} in the MRAppMaster's command: its web
   * UI (Guice) needs it.
   */
  public static final String ADD_OPENS = "--add-opens=java.base/java.lang=ALL-UNNAMED"
      + " --add-exports=java.base/sun.net.dns=ALL-UNNAMED --add-exports=java.base/sun.net.util=ALL-UNNAMED";

  /**
   * The job's AM, by name: the client names it in the AM's command and never loads it (it extends
   * Hadoop's MRAppMaster, which a client built on {@code hadoop-client} alone does not have).
   */
  public static final String AM_CLASS = "io.corral.hadoop.am.CorralMRAppMaster";

  /**
   * What the JVMs on agents need beyond a MapReduce client (one class of each artifact, named, not
   * loaded): the AM and the tasks' {@code YarnChild}, and the executors' ShuffleHandler.
   */
  private static final List<AgentClass> AGENT_ONLY_CLASSES = List.of(
      new AgentClass("org.apache.hadoop.mapreduce.v2.app.MRAppMaster", "hadoop-mapreduce-client-app"),
      new AgentClass("org.apache.hadoop.mapred.ShuffleHandler", "hadoop-mapreduce-client-shuffle"));

  /** A class the agents' JVMs need, and the Hadoop artifact it comes in. */
  private record AgentClass(String name, String artifact) {
    String resource() {
      return name.replace('.', '/') + ".class";
    }
  }

  private AgentJvm() {}

  /**
   * Fails when the agents' JVMs would get the submitting client's own classpath (neither a bundle
   * nor {@value CorralMr#CLASSPATH}) and {@code clientClasspath} cannot run them: a client on
   * Maven's {@code hadoop-client} has no AM, no YarnChild and no ShuffleHandler. The message names
   * what is missing and the settings that give the agents a classpath.
   */
  public static void requireRunnableClasspath(Configuration conf, ClassLoader clientClasspath) throws IOException {
    if (fromBundle(conf) || conf.get(CorralMr.CLASSPATH) != null || System.getenv(CorralMr.ENV_CLASSPATH) != null) {
      return;
    }
    List<String> missing = new ArrayList<>();
    for (AgentClass c : AGENT_ONLY_CLASSES) {
      if (clientClasspath.getResource(c.resource()) == null) {
        missing.add(c.name() + " (" + c.artifact() + ")");
      }
    }
    if (!missing.isEmpty()) {
      throw new IOException("the job's AM and executors would run on the agents with this client's classpath,"
          + " which has no " + String.join(" and no ", missing) + ": set " + CorralMr.CLASSPATH
          + " to Hadoop's jars and corral-hadoop.jar as installed on every agent (e.g. `hadoop classpath` there"
          + " plus the jar), or " + BUNDLE_URI + " to a bundle of them (corral bundle push)");
    }
  }

  /** Whether the JVMs come from a bundle. */
  public static boolean fromBundle(Configuration conf) {
    return !conf.getTrimmed(BUNDLE_URI, "").isEmpty();
  }

  /**
   * The classpath for a JVM started in its sandbox, to be put inside double quotes: the bundle's
   * entries, relative to the sandbox (the JVM's working directory), or the installed classpath.
   * Relative, since a sandbox's path may hold a {@code :} (a command task's runs under the
   * executor {@code corral:command}); the executor hands its children absolute paths
   * ({@link CorralMr#classpath}).
   */
  public static String classpath(Configuration conf) {
    if (!fromBundle(conf)) {
      return CorralMr.classpath(conf);
    }
    List<String> entries = new ArrayList<>();
    for (String e : conf.getTrimmedStrings(BUNDLE_CLASSPATH, BUNDLE_CLASSPATH_DEFAULT)) {
      for (String part : e.split(":")) {
        if (!part.isBlank()) {
          entries.add(part.trim());
        }
      }
    }
    return String.join(":", entries);
  }

  /** What the agent fetches before the JVM starts: the bundle, cached and extracted; else nothing. */
  public static List<CommandURI> uris(Configuration conf) {
    if (!fromBundle(conf)) {
      return List.of();
    }
    CommandURI.Builder b = CommandURI.newBuilder().setValue(conf.getTrimmed(BUNDLE_URI)).setCache(true)
        .setExtract(true);
    String sha = conf.getTrimmed(BUNDLE_SHA256, "");
    if (!sha.isEmpty()) {
      b.setSha256(sha);
    }
    return List.of(b.build());
  }

  /** {@code command} with the bundle's URIs added. */
  public static CommandInfo withBundle(CommandInfo command, Configuration conf) {
    return command.toBuilder().addAllUris(uris(conf)).build();
  }
}
