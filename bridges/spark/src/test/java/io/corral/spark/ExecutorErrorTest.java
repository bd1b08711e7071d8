package io.corral.spark;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ExecutorErrorTest {

  @Test
  void aStackTraceInTheStderrTailGivesItsLastErrorLine() {
    String message = "executor exited with status 1; stderr: ...n$0(SparkExecutor.java:30)\n"
        + "\tat java.base/java.lang.Thread.run(Thread.java:840)\n"
        + "Caused by: java.lang.ClassNotFoundException: org.apache.spark.executor.CoarseGrainedExecutorBackend\n"
        + "\tat java.base/java.lang.ClassLoader.loadClass(ClassLoader.java:525)\n"
        + "\t... 2 more\n"
        + "java.lang.NoClassDefFoundError: org/slf4j/LoggerFactory\n"
        + "\tat io.corral.spark.SparkExecutorTask.run(SparkExecutorTask.java:41)\n"
        + "\tat io.corral.spark.SparkExecutor.main(SparkExecutor.java:17)\n"
        + "Caused by: java.lang.ClassNotFoundException: org.slf4j.LoggerFactory\n"
        + "\t... 2 more\n"
        + "Spark executor failed: java.lang.NoClassDefFoundError: org/slf4j/LoggerFactory";
    assertThat(ExecutorError.oneLine(message)).isEqualTo(
        "executor exited with status 1: Spark executor failed: java.lang.NoClassDefFoundError: org/slf4j/LoggerFactory");
  }

  @Test
  void theJvmsOwnStartErrorsAreFoundBeforeItsClosingWords() {
    assertThat(ExecutorError.oneLine("executor exited with status 1; stderr: [corral 18:34:03.775] fetching x.jar\n"
        + "Error opening zip file or JAR manifest missing : /opt/agent.jar\n"
        + "Error occurred during initialization of VM\n"
        + "agent library failed to init: instrument")).isEqualTo(
            "executor exited with status 1: Error opening zip file or JAR manifest missing : /opt/agent.jar");
    assertThat(ExecutorError.oneLine("executor exited with status 1; stderr: Unrecognized option: -Xfoo\n"
        + "Error: Could not create the Java Virtual Machine.\n"
        + "Error: A fatal exception has occurred. Program will exit.")).isEqualTo(
            "executor exited with status 1: Unrecognized option: -Xfoo");
  }

  @Test
  void messagesWithoutStderrStayAsTheyAreOnOneLine() {
    assertThat(ExecutorError.oneLine("fetch of http://repo/spark.tgz failed: HTTP 404")).isEqualTo(
        "fetch of http://repo/spark.tgz failed: HTTP 404");
    assertThat(ExecutorError.oneLine("executor exited with status 137; stderr: ")).isEqualTo(
        "executor exited with status 137");
    assertThat(ExecutorError.oneLine("first\nsecond")).isEqualTo("first");
    assertThat(ExecutorError.oneLine("x".repeat(600))).hasSize(500).endsWith("...");
  }
}
