package io.corral.storm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What StormYaml writes reads back as the same settings through Storm's own storm.yaml reader. */
class StormYamlTest {
  @Test
  void settingsReadBackAsTheSameValues(@TempDir java.nio.file.Path dir) throws Exception {
    Map<String, Object> in = new LinkedHashMap<>();
    in.put("storm.zookeeper.servers", List.of("zk1", "zk-2.example"));
    in.put("storm.zookeeper.port", 2181);
    in.put("supervisor.slots.ports", List.of(31001, 31002));
    in.put("storm.local.dir", "/data/sandbox with spaces/\"quoted\" \\ back\ttab: # not a comment");
    in.put("topology.enable.message.timeouts", true);
    in.put("ratio", 0.5);
    in.put("nothing", null);
    in.put("nested", Map.of("k", List.of("v")));
    String yaml = StormYaml.render(in) + StormYaml.line("appended", "é ünïcode");
    java.nio.file.Path file = dir.resolve("storm.yaml");
    java.nio.file.Files.writeString(file, yaml);
    Map<String, Object> out = org.apache.storm.utils.Utils.findAndReadConfigFile(file.toString(), true);
    Map<String, Object> expected = new LinkedHashMap<>(in);
    expected.put("appended", "é ünïcode");
    assertThat(out).isEqualTo(expected);
  }

  @Test
  void aKeyThatWouldBreakTheFileIsRefused() {
    assertThatThrownBy(() -> StormYaml.line("a: b", 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> StormYaml.line("a\nb", 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> StormYaml.line("", 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> StormYaml.line("x", Double.NaN)).isInstanceOf(IllegalArgumentException.class);
  }
}
