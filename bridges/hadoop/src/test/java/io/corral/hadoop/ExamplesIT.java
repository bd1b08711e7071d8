package io.corral.hadoop;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.BytesWritable;
import org.apache.hadoop.io.SequenceFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/** Programs of the unmodified examples jar: wordcount, the TeraSort suite, pi, randomwriter and sort. */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
@ExtendWith(SharedHadoop.class)
class ExamplesIT {
  private static HadoopJobs jobs;

  @BeforeAll
  static void cluster(HadoopJobs shared) {
    jobs = shared;
  }

  @Test
  @Execution(ExecutionMode.CONCURRENT) // the class's jobs run side by side; classes, one at a time
  void wordcountCountsEveryWordAcrossMapsAndReducers() throws Exception {
    FileSystem fs = jobs.fs();
    Map<String, Integer> expected = Texts.writeWords(fs, "/wordcount/in", 3, 200, 16); // 3 splits, 3 maps
    java.nio.file.Path log = jobs.dir.resolve("wordcount.log");
    int rc = jobs.runExample("wordcount", List.of("-Dmapreduce.job.reduces=2"),
        List.of("/wordcount/in", "/wordcount/out"), log);
    assertThat(rc).as("wordcount exit code; see %s", log).isZero();
    List<List<String>> parts = Texts.parts(fs, "/wordcount/out/part-r-*");
    assertThat(parts).hasSize(2);
    assertThat(Texts.counts(parts)).isEqualTo(expected);
    assertThat(fs.exists(new Path("/wordcount/out/_SUCCESS"))).isTrue();
    String output = Files.readString(log);
    assertThat(output).contains("completed successfully").contains("Launched map tasks=3")
        .contains("Launched reduce tasks=2");
  }

  /**
   * With {@code fs.defaultFS=file:///} (one machine, no HDFS): input, staging area and output on
   * the local file system; the AM, the executors and the tasks read and write them there.
   */
  @Test
  @Execution(ExecutionMode.CONCURRENT) // the class's jobs run side by side; classes, one at a time
  void wordcountRunsOnTheLocalFileSystemAsTheDefault() throws Exception {
    java.nio.file.Path local = jobs.dir.resolve("localfs");
    FileSystem fs = FileSystem.getLocal(new org.apache.hadoop.conf.Configuration());
    Map<String, Integer> expected = Texts.writeWords(fs, local.resolve("in").toString(), 2, 150, 12);
    java.nio.file.Path log = jobs.dir.resolve("wordcount-localfs.log");
    int rc = jobs.runExample("wordcount", List.of("-Dfs.defaultFS=file:///", "-Dmapreduce.job.reduces=2",
        "-Dyarn.app.mapreduce.am.staging-dir=" + local.resolve("staging")),
        List.of(local.resolve("in").toString(), local.resolve("out").toString()), log);
    assertThat(rc).as("wordcount exit code; see %s", log).isZero();
    assertThat(Texts.counts(Texts.parts(fs, local.resolve("out") + "/part-r-*"))).isEqualTo(expected);
    assertThat(Files.exists(local.resolve("out/_SUCCESS"))).isTrue();
    assertThat(Files.readString(log)).contains("completed successfully").contains("Launched reduce tasks=2");
  }

  @Test
  @Execution(ExecutionMode.CONCURRENT) // the class's jobs run side by side; classes, one at a time
  void teragenTerasortTeravalidateFindsNoErrors() throws Exception {
    java.nio.file.Path gen = jobs.dir.resolve("teragen.log");
    assertThat(jobs.runExample("teragen", List.of("-Dmapreduce.job.maps=4"), List.of("200000", "/tera/in"), gen))
        .as("teragen exit code; see %s", gen).isZero();
    assertThat(Files.readString(gen)).contains("Launched map tasks=4");

    java.nio.file.Path sort = jobs.dir.resolve("terasort.log");
    assertThat(jobs.runExample("terasort", List.of("-Dmapreduce.job.reduces=2"), List.of("/tera/in", "/tera/out"),
        sort)).as("terasort exit code; see %s", sort).isZero();
    assertThat(Files.readString(sort)).contains("Launched map tasks=4").contains("Launched reduce tasks=2")
        .contains("Reduce output records=200000");

    java.nio.file.Path validate = jobs.dir.resolve("teravalidate.log");
    assertThat(jobs.runExample("teravalidate", List.of(), List.of("/tera/out", "/tera/report"), validate))
        .as("teravalidate exit code; see %s", validate).isZero();
    // TeraValidate writes one record per problem (misorder, bad key) besides the checksum.
    List<String> report = Texts.parts(jobs.fs(), "/tera/report/part-r-*").stream().flatMap(List::stream).toList();
    assertThat(report).as("teravalidate's report").hasSize(1);
    assertThat(report.get(0)).startsWith("checksum\t");
  }

  @Test
  @Execution(ExecutionMode.CONCURRENT) // the class's jobs run side by side; classes, one at a time
  void piPrintsItsEstimate() throws Exception {
    java.nio.file.Path log = jobs.dir.resolve("pi.log");
    assertThat(jobs.runExample("pi", List.of(), List.of("3", "2000"), log)).as("pi exit code; see %s", log).isZero();
    assertThat(Files.readString(log)).contains("Number of Maps  = 3").containsPattern(
        "Estimated value of Pi is 3\\.1\\d*");
  }

  @Test
  @Execution(ExecutionMode.CONCURRENT) // the class's jobs run side by side; classes, one at a time
  void randomwriterThenSortKeepsEveryRecordInOrder() throws Exception {
    java.nio.file.Path write = jobs.dir.resolve("randomwriter.log");
    assertThat(jobs.runExample("randomwriter", List.of("-Dmapreduce.randomwriter.totalbytes=2097152",
        "-Dmapreduce.randomwriter.bytespermap=1048576"), List.of("/rw/in"), write))
        .as("randomwriter exit code; see %s", write).isZero();
    FileSystem fs = jobs.fs();
    long written = records(fs, "/rw/in/part-m-*", false);
    assertThat(written).isPositive();

    java.nio.file.Path sort = jobs.dir.resolve("sort.log");
    assertThat(jobs.runExample("sort", List.of(), List.of("-r", "2", "/rw/in", "/rw/sorted"), sort))
        .as("sort exit code; see %s", sort).isZero();
    assertThat(records(fs, "/rw/sorted/part-r-*", true)).isEqualTo(written);
  }

  /** Records in the sequence files matching {@code glob}; checks each file's keys ascend if asked. */
  private static long records(FileSystem fs, String glob, boolean sorted) throws Exception {
    long n = 0;
    for (FileStatus f : fs.globStatus(new Path(glob))) {
      try (SequenceFile.Reader r = new SequenceFile.Reader(fs.getConf(), SequenceFile.Reader.file(f.getPath()))) {
        BytesWritable key = new BytesWritable();
        BytesWritable value = new BytesWritable();
        BytesWritable previous = null;
        while (r.next(key, value)) {
          if (sorted && previous != null) {
            assertThat(previous.compareTo(key)).as("order in %s", f.getPath()).isLessThanOrEqualTo(0);
          }
          previous = new BytesWritable(key.copyBytes());
          n++;
        }
      }
    }
    return n;
  }
}
