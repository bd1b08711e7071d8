package io.corral.spark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.corral.bridges.testkit.CorralCommands;
import io.corral.command.CorralSubcommand;
import java.time.Duration;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code corral spark submit}: its own options, and spark-submit's passed through in order. */
class SparkCommandTest {
  /** {@code corral spark <args>}, as the bridge's tests run it (subcommands from the classpath, as the CLI finds them). */
  private static SparkCommand.Submit submit(String... args) {
    CommandLine.ParseResult r = CorralCommands.commandLine().parseArgs(prepend("spark", args));
    return (SparkCommand.Submit) r.subcommand().subcommand().commandSpec().userObject();
  }

  private static String[] prepend(String first, String... rest) {
    String[] all = new String[rest.length + 1];
    all[0] = first;
    System.arraycopy(rest, 0, all, 1, rest.length);
    return all;
  }

  @Test
  void sparkSubmitsOptionsTheApplicationJarAndItsArgumentsPassThroughInOrder() {
    SparkCommand.Submit s = submit("submit", "--master", "zk://zk1:2181/corral", "--spark-home", "/opt/spark",
        "--class", "org.example.App", "--conf", "spark.executor.memory=1g", "--supervise", "--timeout", "2min",
        "app.jar", "in", "--verbose", "-n", "3");
    assertThat(s.master).isEqualTo("zk://zk1:2181/corral");
    assertThat(s.sparkHome).isEqualTo("/opt/spark");
    assertThat(s.supervise).isTrue();
    assertThat(s.timeout).isEqualTo(Duration.ofMinutes(2));
    assertThat(s.sparkArgs).containsExactly("--class", "org.example.App", "--conf", "spark.executor.memory=1g",
        "app.jar", "in", "--verbose", "-n", "3");
  }

  @Test
  void isTheSparkBridgesCommandOfCorralListedAfterBundle() {
    assertThat(new SparkCommand().listedAfter()).isEqualTo("bundle");
    assertThat(ServiceLoader.load(CorralSubcommand.class).stream().map(ServiceLoader.Provider::type))
        .contains(SparkCommand.class);
  }
}
