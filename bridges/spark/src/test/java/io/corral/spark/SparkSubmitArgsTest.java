package io.corral.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SparkSubmitArgsTest {
  @Test
  void theApplicationJarIsTheFirstWordThatIsNeitherAnOptionNorItsValue() {
    assertThat(SparkSubmitArgs.appJarIndex(List.of("--class", "a.B", "--conf", "x=y", "--verbose", "app.jar", "1")))
        .isEqualTo(5);
    assertThatThrownBy(() -> SparkSubmitArgs.appJarIndex(List.of("--class", "a.B")))
        .hasMessageContaining("no application jar");
  }

  @Test
  void theSettingsAreTheConfsBeforeTheApplicationJarTheLastOfAKeyWinning() {
    assertThat(SparkSubmitArgs.conf(List.of("--conf", "spark.corral.principal=etl", "--name", "--conf",
        "--conf=spark.corral.secret.file=/s", "-c", "spark.corral.principal=analyst", "app.jar",
        "--conf", "spark.corral.principal=the-app's-own-argument")))
        .containsOnly(Map.entry("spark.corral.principal", "analyst"), Map.entry("spark.corral.secret.file", "/s"));
  }

  @Test
  void theDriverTasksArgumentsReadTheSame() {
    // What the cluster-mode driver task gets: Corral's options first, then the submitter's.
    assertThat(SparkSubmitArgs.conf(List.of("--master", "spark+corral://m:5050", "--deploy-mode", "client",
        "--conf", "spark.corral.bridge.uri=hdfs://nn/b.jar", "--conf", "spark.corral.principal=etl", "\"$PWD/\"app.jar")))
        .containsOnly(Map.entry("spark.corral.bridge.uri", "hdfs://nn/b.jar"), Map.entry("spark.corral.principal", "etl"));
    assertThat(SparkSubmitArgs.conf(List.of("--verbose"))).isEmpty();
  }
}
