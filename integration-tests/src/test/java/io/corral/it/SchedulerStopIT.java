package io.corral.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.corral.local.LocalCluster;
import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

/**
 * A scheduler process that calls {@code stop()} and exits right after: its framework is torn down,
 * every time (stop() returns once the master has confirmed the teardown), not left registered for
 * its failover timeout.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class SchedulerStopIT {
  private static final int RUNS = 20;
  private static final Duration WAIT = Duration.ofMinutes(3);

  /** What a scheduler needs of the test's classpath (twenty JVMs start faster without Hadoop's jars). */
  private static final Pattern SCHEDULER_JARS = Pattern.compile("(test-classes"
      + "|corral-(scheduler|common|protocol|bridge-testkit)-.*|protobuf-java-.*|grpc-.*|proto-google-common-protos-.*"
      + "|gson-.*|perfmark-api-.*|guava-.*|failureaccess-.*"
      + "|slf4j-api-.*|logback-.*|awaitility-.*|hamcrest-.*|curator-(client|framework|recipes)-.*|zookeeper-.*"
      + "|audience-annotations-.*|jspecify-.*|error_prone_annotations-.*|j2objc-annotations-.*|jsr305-.*"
      + "|annotations-.*|animal-sniffer-annotations-.*)");

  private static String schedulerClasspath() {
    return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .filter(e -> SCHEDULER_JARS.matcher(Path.of(e).getFileName().toString()).matches())
        .collect(Collectors.joining(File.pathSeparator));
  }

  @Test
  void aSchedulerThatStopsAndExitsAtOnceHasItsFrameworkRemovedEveryTime(TestInfo info) throws Exception {
    Path dir = TestClusters.dir(info);
    try (LocalCluster cluster = LocalCluster.builder(dir).agents(0).start()) {
      List<Process> runs = new ArrayList<>();
      for (int i = 0; i < RUNS; i++) { // concurrently, to keep the test short
        runs.add(new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", schedulerClasspath(),
            StopAndExit.class.getName(), cluster.masterAddress().toString())
            .redirectError(dir.resolve("run-" + i + ".log").toFile()).start());
      }
      List<String> ids = new ArrayList<>();
      for (Process p : runs) {
        assertThat(p.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).as("run %d ended", p.pid()).isTrue();
        assertThat(p.exitValue()).isZero();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
        assertThat(out).startsWith("registered ");
        ids.add(out.substring("registered ".length()));
      }
      assertThat(Set.copyOf(ids)).hasSize(RUNS);
      // Once every process is gone: none of their frameworks is left, each removed by its teardown.
      Set<String> left = cluster.query(v -> v.frameworks().stream().map(f -> f.id()).collect(Collectors.toSet()));
      assertThat(left).as("frameworks still registered").doesNotContainAnyElementsOf(ids);
      Set<String> tornDown = cluster.query(v -> v.completedFrameworks().stream()
          .filter(f -> f.reason().contains("tore it down")).map(f -> f.id()).collect(Collectors.toSet()));
      assertThat(tornDown).containsAll(ids);
    }
  }
}
