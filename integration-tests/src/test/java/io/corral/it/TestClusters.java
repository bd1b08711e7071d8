package io.corral.it;

import io.corral.common.resources.Resources;
import io.corral.local.LocalCluster;
import io.corral.master.MasterConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.TestInfo;

/** Local clusters with test settings: pings tolerant of a busy 2-core machine (5 s), quick retries, a work dir per test. */
public final class TestClusters {
  private static final AtomicInteger SEQ = new AtomicInteger();

  private TestClusters() {}

  /** A fresh directory under target/it-tmp for this test. */
  public static Path dir(TestInfo info) throws IOException {
    String base = System.getProperty("corral.test.tmp", "target/it-tmp");
    String name = info.getTestClass().map(Class::getSimpleName).orElse("test") + "-"
        + info.getTestMethod().map(m -> m.getName()).orElse("m") + "-" + SEQ.incrementAndGet();
    Path dir = Path.of(base).toAbsolutePath().resolve(name);
    if (Files.exists(dir)) { // left over from an earlier run: start clean
      try (var paths = Files.walk(dir)) {
        for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
    Files.createDirectories(dir);
    return dir;
  }

  /** In-process agents of {@code resources} each, with short timeouts. */
  public static LocalCluster.Builder inProcess(Path dir, int agents, String resources) {
    return inProcess(dir, agents, resources, m -> {});
  }

  /** The same, the master set as {@code master} says on top of the test settings. */
  public static LocalCluster.Builder inProcess(Path dir, int agents, String resources,
      Consumer<MasterConfig.Builder> master) {
    Consumer<MasterConfig.Builder> test = m -> m.agentPingTimeout(Duration.ofSeconds(1)).maxAgentPingTimeouts(5)
        .allocationInterval(Duration.ofMillis(200));
    return LocalCluster.builder(dir).agents(agents).agentResources(Resources.parse(resources))
        .masterConfig(test.andThen(master))
        .agentConfig(a -> a.statusUpdateRetry(Duration.ofMillis(500), Duration.ofSeconds(5))
            .commandExecutorIdleTimeout(Duration.ofSeconds(30))
            .executorRegistrationTimeout(Duration.ofSeconds(60)));
  }
}
