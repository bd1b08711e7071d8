package io.corral.spark.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.corral.protocol.CommandInfo;
import io.corral.protocol.CommandURI;
import java.util.List;
import org.junit.jupiter.api.Test;

class SparkDriverTaskTest {

  private static SparkDriverTask task(String sparkHome, String sparkUri, List<String> args) {
    return new SparkDriverTask("m1:5050", sparkHome, sparkUri, "/opt/corral/bridges/spark/corral-spark.jar", "2g",
        true, "my app", 60, args);
  }

  @Test
  void theDriverRunsSparkSubmitInClientModeAgainstTheSameMasterWithFetchedJars() {
    CommandInfo c = task("/opt/spark", null, List.of("--class", "a.B", "hdfs://nn/apps/app.jar", "it's")).command();
    assertThat(c.getValue())
        .contains("JARS='/opt/spark/jars'")
        .contains("-cp 'corral-spark.jar':\"$JARS/*\" io.corral.spark.ClusterDriver --driver-memory '2g' --supervise")
        .contains("-- --master 'spark+corral://m1:5050' --deploy-mode client")
        .contains("--conf 'spark.corral.executor.home=/opt/spark'")
        .contains("--conf 'spark.corral.bridge.uri=/opt/corral/bridges/spark/corral-spark.jar'")
        .contains("--jars \"$PWD/\"'corral-spark.jar'")
        .endsWith("'--class' 'a.B' \"$PWD/\"'app.jar' 'it'\\''s'");
    assertThat(c.getUrisList()).extracting(CommandURI::getValue)
        .containsExactly("/opt/corral/bridges/spark/corral-spark.jar", "hdfs://nn/apps/app.jar");
    assertThat(c.getUrisList()).allMatch(u -> u.hasExtract() && !u.getExtract());
  }

  @Test
  void aSparkDistributionIsFetchedAndExtractedAndHandedToTheExecutors() {
    CommandInfo c = task(null, "http://repo/spark-4.0.2-bin.tgz", List.of("app.jar")).command();
    assertThat(c.getValue()).contains("JARS=\"$(ls -d jars */jars").contains(
        "--conf 'spark.corral.executor.uri=http://repo/spark-4.0.2-bin.tgz'");
    assertThat(c.getUrisList()).filteredOn(u -> u.getValue().endsWith(".tgz")).singleElement()
        .matches(u -> u.getExtract() && u.getCache());
  }

  @Test
  void theSparkSettingsAreTheConfsBeforeTheApplicationJarTheLastOfAKeyWinning() {
    SparkDriverTask t = task("/opt/spark", null, List.of("--conf", "spark.corral.principal=etl", "--class", "a.B",
        "--conf=spark.corral.secret.file=/s", "-c", "spark.corral.principal=analyst", "app.jar", "--conf", "x=y"));
    assertThat(t.sparkConf()).containsOnly(java.util.Map.entry("spark.corral.principal", "analyst"),
        java.util.Map.entry("spark.corral.secret.file", "/s"));
  }

  @Test
  void exactlyOneSparkIsRequired() {
    assertThatThrownBy(() -> task(null, null, List.of("app.jar"))).hasMessageContaining("give one of --spark-home");
    assertThatThrownBy(() -> task("/opt/spark", "http://x/s.tgz", List.of("app.jar")))
        .hasMessageContaining("give one of --spark-home");
  }
}
