package io.corral.fetcher.hdfs;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.corral.fetcher.HdfsSupport;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The helper as a process, with the distribution's classpath (Logback included, which would log
 * Hadoop's DEBUG lines to stdout unconfigured): stdout holds the result line and nothing else,
 * stderr the failure line and nothing else.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
@ExtendWith(MiniHdfsExtension.class)
class HdfsCopyProcessTest {

  private record Run(int code, String out, String err) {}

  private static Run helper(MiniHdfs hdfs, Path dir, Map<String, String> env, String... args)
      throws IOException, InterruptedException {
    HdfsSupport support = hdfs.helper(env);
    List<String> command = new ArrayList<>(support.command());
    command.addAll(List.of(args));
    Path out = dir.resolve("out");
    Path err = dir.resolve("err");
    ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
    builder.environment().remove(HdfsCopyContract.DEBUG_ENV);
    builder.environment().putAll(support.environment());
    Process process = builder.start();
    try {
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    } finally {
      process.destroyForcibly();
    }
    return new Run(process.exitValue(), Files.readString(out, UTF_8), Files.readString(err, UTF_8));
  }

  @Test
  void stdoutIsTheResultLineAndStderrTheFailureLine(MiniHdfs hdfs) throws Exception {
    Path dir = hdfs.newDir("process");
    hdfs.write("/process/f", new byte[42]);
    URI missing = hdfs.hdfs("/process/missing");

    Run ok = helper(hdfs, dir, Map.of(), "get", hdfs.hdfs("/process/f").toString(), dir.resolve("f").toString(), "100");
    Run notFound = helper(hdfs, dir, Map.of(), "stat", missing.toString());

    assertThat(ok).isEqualTo(new Run(0, "bytes=42\n", ""));
    assertThat(notFound).isEqualTo(new Run(2, "", "error: no such file: " + missing + "\n"));
  }

  @Test
  void withCorralDebugHadoopLogsToStderrOnly(MiniHdfs hdfs) throws Exception {
    Path dir = hdfs.newDir("process-debug");
    hdfs.write("/process/debug", new byte[7]);

    Run run = helper(hdfs, dir, Map.of(HdfsCopyContract.DEBUG_ENV, "1"), "stat", hdfs.hdfs("/process/debug").toString());

    assertThat(run.code()).isZero();
    assertThat(run.out()).isEqualTo("length=7\n");
    assertThat(run.err()).contains("DEBUG org.apache.hadoop."); // Logback's default console output, moved off stdout
  }
}
