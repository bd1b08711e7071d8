package io.corral.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.corral.command.CommandLines;
import io.corral.master.Master;
import io.corral.master.MasterConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code corral quota|weights|roles} against a real master (in this JVM, over HTTP). */
@Timeout(60)
class RolesCommandsTest {
  @TempDir
  Path dir;

  private Master master;
  private String out;
  private String err;

  @BeforeEach
  void start() throws Exception {
    master = new Master(MasterConfig.builder().port(0).httpPort(0).bindHost("127.0.0.1").advertiseHost("127.0.0.1")
        .workDir(dir).build()).start();
  }

  @AfterEach
  void stop() {
    master.close();
  }

  private int corral(String... args) {
    String[] all = new String[args.length + 2];
    System.arraycopy(args, 0, all, 0, args.length);
    all[args.length] = "--master";
    all[args.length + 1] = master.httpUrl();
    StringWriter e = new StringWriter();
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    PrintStream old = System.out;
    System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
    try {
      CommandLine cli = CommandLines.withOneLineErrors(CorralMain.commandLine());
      return cli.setErr(new PrintWriter(e, true)).execute(all);
    } finally {
      System.setOut(old);
      out = o.toString(StandardCharsets.UTF_8);
      err = e.toString();
    }
  }

  @Test
  void quotasAndWeightsAreSetListedAndRemoved() throws Exception {
    assertThat(corral("quota", "set", "eng/etl", "--guarantee", "cpus:1;mem:512", "--limit", "cpus:2", "--force"))
        .as(err).isZero();
    assertThat(out).contains("role eng/etl");
    assertThat(corral("weights", "set", "eng=2,eng/etl=3")).as(err).isZero();
    assertThat(corral("roles")).as(err).isZero();
    assertThat(out).containsPattern("(?m)^ROLE\\s+WEIGHT\\s+GUARANTEE\\s+LIMIT\\s+ALLOCATED\\s+OFFERED\\s+FRAMEWORKS")
        .containsPattern("(?m)^eng/etl\\s+3\\s+cpus:1;mem:512\\s+cpus:2\\s+-\\s+-\\s+0\\s+0$")
        .containsPattern("(?m)^eng\\s+2\\s+-\\s+-");
    assertThat(corral("roles", "--json")).isZero();
    JsonNode roles = new ObjectMapper().readTree(out);
    assertThat(roles.isArray()).isTrue();
    assertThat(roles.toString()).contains("\"name\":\"eng/etl\"").contains("\"limit\":{\"cpus\":2.0}");
    assertThat(corral("quota", "remove", "eng/etl")).as(err).isZero();
    assertThat(corral("roles", "--json")).isZero();
    assertThat(out).doesNotContain("\"cpus\" : 2.0");
  }

  @Test
  void badInputIsOneLineAndExitTwoAndChangesNothing() {
    assertThat(corral("roles", "--json")).isZero();
    String before = out;
    String[][] cases = {
        {"quota", "set", "-eng", "--limit", "cpus:1"},
        {"quota", "set", "a//b", "--limit", "cpus:1"},
        {"quota", "set", "eng", "--limit", "cpus:-1"},
        {"quota", "set", "eng", "--limit", "cpus:two"},
        {"quota", "set", "eng", "--limit", "ports:[1-2]"},
        {"quota", "set", "eng", "--guarantee", "cpus:3", "--limit", "cpus:2", "--force"},
        {"quota", "set", "eng", "--guarantee", "cpus:3"},
        {"quota", "set", "eng"},
        {"quota", "remove", "eng/"},
        {"weights", "set", "eng=0"},
        {"weights", "set", "eng=x"},
        {"weights", "set", "eng"},
        {"weights", "set", "a b=2"},
    };
    for (String[] c : cases) {
      int code = corral(c);
      assertThat(code).as(String.join(" ", c) + ": " + err).isEqualTo(2);
      assertThat(err.strip()).as(String.join(" ", c)).doesNotContain("\n").startsWith("corral " + c[0] + " " + c[1] + ": ");
    }
    assertThat(corral("roles", "--json")).isZero();
    assertThat(out).isEqualTo(before);
  }
}
