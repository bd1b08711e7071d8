package io.corral.hadoop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** The unmodified examples jar's wordcount, on 2 Corral agents, with HDFS as the default file system. */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
@ExtendWith(SharedHadoop.class)
class WordCountIT {
  private static HadoopJobs jobs;

  @BeforeAll
  static void cluster(HadoopJobs shared) {
    jobs = shared;
  }

  @Test
  void wordcountCountsEveryWordAcrossMapsAndReducers() throws Exception {
    FileSystem fs = jobs.hdfs.getFileSystem();
    String[] words = {"corral", "hadoop", "map", "reduce", "shuffle", "offer", "agent", "master"};
    Map<String, Integer> expected = new TreeMap<>();
    for (int f = 0; f < 3; f++) { // 3 files: 3 splits, 3 map tasks
      try (FSDataOutputStream out = fs.create(new Path("/wordcount/in/part-" + f))) {
        for (int line = 0; line < 200; line++) {
          StringBuilder sb = new StringBuilder();
          for (int w = 0; w <= (line + f) % 7; w++) {
            String word = words[(line * 3 + w * 5 + f) % words.length];
            expected.merge(word, 1, Integer::sum);
            sb.append(word).append(' ');
          }
          out.write((sb.toString().trim() + "\n").getBytes(StandardCharsets.UTF_8));
        }
      }
    }

    java.nio.file.Path log = jobs.dir.resolve("wordcount.log");
    int rc = jobs.runExample("wordcount", List.of("-Dmapreduce.job.reduces=2"),
        List.of("/wordcount/in", "/wordcount/out"), log);
    assertThat(rc).as("wordcount exit code; see %s", log).isZero();

    Map<String, Integer> counted = new TreeMap<>();
    FileStatus[] parts = fs.globStatus(new Path("/wordcount/out/part-r-*"));
    assertThat(parts).hasSize(2);
    for (FileStatus part : parts) {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(fs.open(part.getPath()), StandardCharsets.UTF_8))) {
        for (String line = r.readLine(); line != null; line = r.readLine()) {
          String[] kv = line.split("\t");
          counted.put(kv[0], Integer.parseInt(kv[1]));
        }
      }
    }
    assertThat(counted).isEqualTo(expected);
    assertThat(fs.exists(new Path("/wordcount/out/_SUCCESS"))).isTrue();
    String output = Files.readString(log);
    assertThat(output).contains("completed successfully").contains("Launched map tasks=3")
        .contains("Launched reduce tasks=2");
  }
}
