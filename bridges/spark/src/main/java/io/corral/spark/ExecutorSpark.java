package io.corral.spark;

import java.io.IOException;
import java.util.function.Function;

/**
 * Where the executors' Spark comes from, decided once when the application starts (first that
 * applies):
 * <ol>
 *   <li>{@value #URI}: a Spark distribution (or any archive with a {@code jars/} directory, at its
 *       top or one level down) on HDFS, HTTP(S) or a local path, fetched and extracted by each agent
 *       through its fetcher cache;
 *   <li>{@value #HOME}: a Spark installed at that path on every agent;
 *   <li>{@value SparkPublisher#PUBLISH_DIR}: the driver's own Spark, published there on first use
 *       and fetched like a distribution;
 *   <li>the driver's Spark installation ({@link DriverSpark}), expected at the same path on the
 *       agents, as Spark's Mesos backend assumed.
 * </ol>
 * A driver that runs from no installation and is given none of the settings is refused at start,
 * with the settings to give: guessing a home from where its jars lie (a Maven repository) would
 * give executors that all die.
 */
sealed interface ExecutorSpark {
  String URI = "spark.corral.executor.uri";
  String URI_SHA256 = "spark.corral.executor.uri.sha256";
  String HOME = "spark.corral.executor.home";

  /** Fetched by the agents into each executor's sandbox; {@code sha256} may be empty. */
  record Fetched(String uri, String sha256) implements ExecutorSpark {
    @Override
    public String toString() {
      return "fetched from " + uri;
    }
  }

  /** Installed on every agent: the directory of its jars. */
  record Installed(String jarsDir) implements ExecutorSpark {
    @Override
    public String toString() {
      return "installed at " + jarsDir;
    }
  }

  /** Publishes the driver's Spark to a directory; returns the URI the agents fetch it from. */
  @FunctionalInterface
  interface Publisher {
    String publish(DriverSpark driver, String dir) throws IOException;
  }

  /**
   * @param settings a setting's value by name, "" when unset
   * @throws IllegalArgumentException when none applies (the message says which setting to give),
   *     or publishing failed
   */
  static ExecutorSpark choose(Function<String, String> settings, DriverSpark driver, Publisher publisher) {
    String uri = settings.apply(URI).trim();
    if (!uri.isEmpty()) {
      return new Fetched(uri, settings.apply(URI_SHA256).trim());
    }
    String home = settings.apply(HOME).trim();
    if (!home.isEmpty()) {
      return new Installed(home + "/jars");
    }
    String dir = settings.apply(SparkPublisher.PUBLISH_DIR).trim();
    if (!dir.isEmpty()) {
      try {
        return new Fetched(publisher.publish(driver, dir), "");
      } catch (IOException | RuntimeException e) {
        throw new IllegalArgumentException("could not publish the driver's Spark to " + dir + " ("
            + SparkPublisher.PUBLISH_DIR + "): " + e, e);
      }
    }
    return driver.jarsDir().<ExecutorSpark>map(j -> new Installed(j.toString())).orElseThrow(() ->
        new IllegalArgumentException("the executors' Spark is not known: this driver does not run from a Spark"
            + " installation (" + driver.whyNoInstallation() + "); set " + URI
            + " (a Spark distribution the agents fetch, e.g. spark-4.0.2-bin-hadoop3.tgz on HDFS or HTTP), " + HOME
            + " (the path of a Spark installed on every agent) or " + SparkPublisher.PUBLISH_DIR
            + " (a directory on HDFS, or one every agent reads, where the driver publishes the jars it runs with)"));
  }
}
