package io.corral.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code corral demo} on a real local cluster (embedded ZooKeeper, master elected through it, agent
 * processes): the example framework runs; a part whose bridge is not installed fails the demo
 * (exit 1) with a line saying what is missing, and the other parts still run. The bridges' parts
 * themselves run from the distribution (dist's cli-smoke.sh).
 */
class DemoCommandTest {
  @Test
  void aMissingBridgeFailsTheDemoWithAReasonAndTheRestStillRuns(@TempDir Path tmp) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DemoCommand demo = new DemoCommand();
    new CommandLine(demo).parseArgs("--agents", "2", "--tasks", "4", "--parts", "hadoop,example",
        "--work-dir", tmp.resolve("work").toString());
    demo.out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    demo.home = tmp.resolve("empty-installation");

    int rc = demo.call();

    String report = bytes.toString(StandardCharsets.UTF_8);
    assertThat(rc).as(report).isEqualTo(1);
    assertThat(report).containsPattern("(?m)^http: http://[^ ]+:\\d+/$")
        .containsPattern("(?m)^zookeeper: zk://127\\.0\\.0\\.1:\\d+/corral-demo \\(embedded\\)$")
        .containsPattern("(?m)^  example framework: 4/4 tasks finished in [0-9.]+ s \\(ok\\)$")
        .containsPattern("(?m)^  hadoop wordcount: not found: \\S*empty-installation/bridges/hadoop/hadoop-lib .* \\(FAILED\\)$")
        .containsPattern("(?m)^  result: FAILED$");
    assertThat(report.indexOf("example framework: 4/4")).as("parts run in their fixed order")
        .isLessThan(report.indexOf("hadoop wordcount: not found"));
  }
}
