package io.corral.spark;

/**
 * The main class of an executor's JVM ({@link ExecutorCommand}): runs {@link SparkExecutorTask}.
 * It needs nothing but the JDK, so that an executor whose classpath lacks Spark or its
 * dependencies (a Spark home without Spark's jars, a wrong {@code spark.corral.executor.uri})
 * still says why it ends: whatever is thrown, in Corral's or Spark's thread, is printed with its
 * stack trace and then once more on the last line of stderr, which the agent's failure report
 * carries to the driver, and the JVM exits with status 1.
 */
public final class SparkExecutor {
  private SparkExecutor() {}

  public static void main(String[] args) {
    try {
      SparkExecutorTask.run(args);
    } catch (Throwable t) {
      fail(t);
    }
    System.exit(0);
  }

  /** Ends the JVM for a throwable that no one handled: its stack trace, then one line, then exit 1. */
  static synchronized void fail(Throwable t) {
    t.printStackTrace();
    System.err.println("Spark executor failed: " + t);
    System.err.flush();
    System.exit(1);
  }
}
