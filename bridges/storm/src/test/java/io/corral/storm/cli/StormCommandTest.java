package io.corral.storm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.corral.command.CommandLines;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code corral storm nimbus}: the Nimbus's settings from the command line, and bad input. */
class StormCommandTest {
  @TempDir Path dir;
  private final StringWriter err = new StringWriter();

  private StormCommand.NimbusCommand parse(String... args) {
    CommandLine.ParseResult r = storm().parseArgs(args);
    return (StormCommand.NimbusCommand) r.subcommand().commandSpec().userObject();
  }

  /** {@code corral storm}, with the CLI's rules for errors. */
  private static CommandLine storm() {
    return CommandLines.withOneLineErrors(new CommandLine(new StormCommand()));
  }

  /** Storm's reading of storm.options (Utils.readCommandLineOpts): split on commas, URL-decode each pair. */
  private static Map<String, String> decode(String options) {
    Map<String, String> out = new HashMap<>();
    for (String kv : options.split(",")) {
      String[] p = URLDecoder.decode(kv, StandardCharsets.UTF_8).split("=", 2);
      out.put(p[0], p[1]);
    }
    return out;
  }

  @Test
  void zooKeeperMasterAndPortsBecomeStormSettings() throws Exception {
    StormCommand.NimbusCommand n = parse("nimbus", "--master", "zk://zk1:2181/corral",
        "--zk", "zk1:2181,zk2:2181/storm-prod", "--nimbus-port", "7627", "--host", "nimbus.example",
        "--supervisor-idle-timeout", "90s", "-c", "topology.message.timeout.secs=10",
        "-c", "supervisor.childopts=\"-Xmx300m, -Dx=y\"");
    Map<String, String> o = decode(StormCommand.NimbusCommand.encode(n.stormOptions(dir, dir.resolve("b.jar"))));
    assertThat(o).containsEntry("storm.corral.master", "\"zk://zk1:2181/corral\"")
        .containsEntry("storm.zookeeper.servers", "[\"zk1\",\"zk2\"]")
        .containsEntry("storm.zookeeper.port", "2181")
        .containsEntry("storm.zookeeper.root", "\"/storm-prod\"")
        .containsEntry("nimbus.thrift.port", "7627")
        .containsEntry("nimbus.seeds", "[\"nimbus.example\"]")
        .containsEntry("storm.corral.supervisor.idle.timeout.secs", "90.0")
        .containsEntry("storm.corral.supervisor.storm.home", "\"" + dir + "\"")
        .containsEntry("topology.message.timeout.secs", "10")
        // A comma inside a value survives Storm's split on commas.
        .containsEntry("supervisor.childopts", "\"-Xmx300m, -Dx=y\"");
  }

  @Test
  void theStormRootDefaultsToSlashStorm() throws Exception {
    StormCommand.NimbusCommand n = parse("nimbus", "--master", "m:5050", "--zk", "127.0.0.1:2181",
        "--storm-uri", "hdfs://nn/bundles/storm.tar.gz");
    Map<String, String> o = decode(StormCommand.NimbusCommand.encode(n.stormOptions(dir, dir.resolve("b.jar"))));
    assertThat(o).containsEntry("storm.zookeeper.root", "\"/storm\"")
        .containsEntry("storm.corral.supervisor.uri", "\"hdfs://nn/bundles/storm.tar.gz\"")
        .doesNotContainKey("storm.corral.supervisor.storm.home");
  }

  private int run(String... args) {
    CommandLine cli = storm();
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  private List<String> base() throws Exception {
    Path home = Files.createDirectories(dir.resolve("storm-home/lib"));
    Path jar = Files.writeString(dir.resolve("corral-storm.jar"), "jar");
    return List.of("nimbus", "--storm-home", home.getParent().toString(), "--bridge-jar", jar.toString(),
        "--work-dir", dir.resolve("work").toString());
  }

  private void assertRefused(String expected, String... more) throws Exception {
    List<String> args = new java.util.ArrayList<>(base());
    args.addAll(List.of(more));
    assertThat(run(args.toArray(new String[0]))).isEqualTo(2);
    assertThat(err.toString()).contains(expected).doesNotContain("\tat ");
  }

  @Test
  void zooKeeperServersOnDifferentPortsAreRefused() throws Exception {
    assertRefused("Storm needs one port for all ZooKeeper servers", "--master", "m:5050", "--zk", "a:2181,b:2182");
  }

  @Test
  void aBadMasterIsRefused() throws Exception {
    assertRefused("--master no-port", "--master", "no-port", "--zk", "a:2181");
  }

  @Test
  void aBadSettingIsRefused() throws Exception {
    assertRefused("-c novalue: expected KEY=VALUE", "--master", "m:5050", "--zk", "a:2181", "-c", "novalue");
  }

  @Test
  void aDirectoryThatIsNoStormHomeIsRefused() throws Exception {
    assertThat(run("nimbus", "--master", "m:5050", "--zk", "a:2181", "--storm-home", dir.toString(),
        "--bridge-jar", dir.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("has no lib/ directory: not a Storm home");
  }

  @Test
  void masterAndZooKeeperAreRequired() {
    assertThat(run("nimbus")).isEqualTo(2);
    assertThat(err.toString()).contains("--master").contains("--zk");
  }
}
