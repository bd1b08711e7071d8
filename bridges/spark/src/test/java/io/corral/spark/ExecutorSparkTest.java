package io.corral.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExecutorSparkTest {
  @TempDir
  Path dir;

  private final Map<String, String> settings = new HashMap<>();
  private final List<String> published = new ArrayList<>();

  private ExecutorSpark choose(DriverSpark driver) {
    return ExecutorSpark.choose(k -> settings.getOrDefault(k, ""), driver, (spark, to) -> {
      published.add(spark.jars().toString());
      return to + "/spark.tar";
    });
  }

  private Path jar(Path path) throws IOException {
    Files.createDirectories(path.getParent());
    return Files.writeString(path, "jar");
  }

  /** spark-core and a dependency where Maven keeps them: no Spark installation anywhere. */
  private DriverSpark fromMaven() throws IOException {
    Path repo = dir.resolve(".m2/repository");
    Path core = jar(repo.resolve("org/apache/spark/spark-core_2.13/4.0.2/spark-core_2.13-4.0.2.jar"));
    Path slf4j = jar(repo.resolve("org/slf4j/slf4j-api/2.0.16/slf4j-api-2.0.16.jar"));
    Path otherSlf4j = jar(dir.resolve("lib/slf4j-api-2.0.16.jar"));
    return DriverSpark.find(null, core, List.of(core, slf4j, dir.resolve("app/classes"), otherSlf4j));
  }

  @Test
  void aDriverFromAMavenClasspathIsToldWhichSettingToGive() throws IOException {
    DriverSpark driver = fromMaven();
    assertThat(driver.home()).isEmpty();
    assertThatThrownBy(() -> choose(driver)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("the executors' Spark is not known: this driver does not run from a Spark installation"
            + " (SPARK_HOME is not set; spark-core was loaded from " + driver.sparkCore() + "); set "
            + "spark.corral.executor.uri (")
        .hasMessageContaining(", spark.corral.executor.home (").hasMessageContaining(
            " or spark.corral.executor.publishDir (");
    assertThat(published).isEmpty();
  }

  @Test
  void aDriverFromAMavenClasspathPublishesTheJarsOfItsClasspath() throws IOException {
    DriverSpark driver = fromMaven();
    settings.put(SparkPublisher.PUBLISH_DIR, "hdfs://nn/apps/spark");
    assertThat(choose(driver)).isEqualTo(new ExecutorSpark.Fetched("hdfs://nn/apps/spark/spark.tar", ""));
    // jars only, each file name once (the first, as a classpath reads them)
    assertThat(driver.jars()).extracting(p -> dir.relativize(p).toString()).containsExactly(
        ".m2/repository/org/apache/spark/spark-core_2.13/4.0.2/spark-core_2.13-4.0.2.jar",
        ".m2/repository/org/slf4j/slf4j-api/2.0.16/slf4j-api-2.0.16.jar");
  }

  @Test
  void aSparkInstallationIsOneWithJars() throws IOException {
    Path home = dir.resolve("spark");
    Path core = jar(home.resolve("jars/spark-core_2.13-4.0.2.jar"));
    jar(home.resolve("jars/slf4j-api-2.0.16.jar"));
    DriverSpark fromJars = DriverSpark.find(null, core, List.of(core));
    assertThat(fromJars.home()).contains(home);
    assertThat(choose(fromJars)).isEqualTo(new ExecutorSpark.Installed(home.resolve("jars").toString()));
    assertThat(fromJars.jars()).hasSize(2);
    assertThat(fromJars.jarsSource()).isEqualTo("jars of the Spark installation " + home);

    DriverSpark fromEnv = DriverSpark.find(home.toString(), fromMaven().sparkCore(), List.of());
    assertThat(fromEnv.home()).contains(home);

    DriverSpark envWithoutJars = DriverSpark.find(dir.resolve("not-spark").toString(), fromMaven().sparkCore(),
        List.of());
    assertThat(envWithoutJars.home()).isEmpty();
    assertThat(envWithoutJars.whyNoInstallation()).startsWith("SPARK_HOME " + dir.resolve("not-spark")
        + " has no jars/ directory; spark-core was loaded from ");
  }

  @Test
  void settingsComeFirstInTheirOrder() throws IOException {
    DriverSpark driver = fromMaven();
    settings.put(SparkPublisher.PUBLISH_DIR, "hdfs://nn/apps/spark");
    settings.put(ExecutorSpark.HOME, "/opt/spark");
    assertThat(choose(driver)).isEqualTo(new ExecutorSpark.Installed("/opt/spark/jars"));
    settings.put(ExecutorSpark.URI, "http://repo/spark-4.0.2-bin-hadoop3.tgz");
    settings.put(ExecutorSpark.URI_SHA256, "abc");
    assertThat(choose(driver)).isEqualTo(new ExecutorSpark.Fetched("http://repo/spark-4.0.2-bin-hadoop3.tgz", "abc"));
    assertThat(published).isEmpty();
  }
}
