package io.corral.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.corral.examples.squares.SquaresFramework;
import io.corral.local.LocalCluster;
import io.corral.protocol.Task;
import io.corral.protocol.TaskState;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

/**
 * The smallest example framework ({@code examples/.../squares}) run as its Javadoc says, in a JVM of its own
 * against a real cluster: its executor comes only from the jar the agents fetch by URI (the executor's classpath
 * leaves the examples out), ten tasks return their squares, the sum is right, and the framework ends.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class SquaresFrameworkIT {
  @Test
  void tenTasksOnAnExecutorFetchedByUriReturnTheirSquares(TestInfo info) throws Exception {
    Path jar = Path.of(SquaresFramework.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    assertThat(jar.getFileName().toString()).as("the examples' packaged jar (the build's package phase)").endsWith(".jar");
    String executorClasspath = String.join(File.pathSeparator, Stream.of(System.getProperty("java.class.path")
        .split(File.pathSeparator)).filter(p -> !Path.of(p).toAbsolutePath().equals(jar.toAbsolutePath())).toList());
    Path dir = TestClusters.dir(info);
    try (LocalCluster cluster = TestClusters.inProcess(dir, 2, "cpus:1;mem:1024").start()) {
      Path out = dir.resolve("squares.out");
      Process scheduler = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-Xmx128m", "-cp", System.getProperty("java.class.path"), SquaresFramework.class.getName(),
          cluster.masterAddress().toString(), "10", jar.toUri().toString(), executorClasspath)
          .redirectErrorStream(true).redirectOutput(out.toFile()).start();
      assertThat(scheduler.waitFor(2, TimeUnit.MINUTES)).as("the scheduler ended; see %s", out).isTrue();

      assertThat(scheduler.exitValue()).as("exit code; see %s", out).isZero();
      assertThat(Files.readAllLines(out, StandardCharsets.UTF_8)).contains("sum of the squares of 0..9: 285");
      // Every task finished on the framework's own executor, which the agents started from the fetched jar.
      List<Task> tasks = cluster.query(v -> v.completedFrameworks().stream()
          .filter(f -> f.info().getName().equals("squares")).flatMap(f -> f.tasks().stream()).toList());
      assertThat(tasks).hasSize(10).allMatch(t -> t.getState() == TaskState.TASK_FINISHED)
          .allMatch(t -> t.getExecutorId().equals("squares"));
      try (Stream<Path> files = Files.walk(dir)) {
        assertThat(files.filter(p -> p.getFileName().equals(jar.getFileName())
            && p.toString().contains(File.separator + "executors" + File.separator + "squares" + File.separator)))
            .as("the executor's jar, fetched into its sandbox").isNotEmpty();
      }
    }
  }
}
