package io.corral.hadoop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.mapreduce.Cluster;
import org.apache.hadoop.mapreduce.Job;
import org.apache.hadoop.mapreduce.JobID;
import org.apache.hadoop.mapreduce.JobStatus;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * Hadoop semantics jobs rely on, with the test job jar: combiner, partitioner and comparator with
 * the client's counters; task retries with the commit protocol; job status while running, and kill.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
@ExtendWith(SharedHadoop.class)
class SemanticsIT {
  private static HadoopJobs jobs;

  @BeforeAll
  static void cluster(HadoopJobs shared) {
    jobs = shared;
  }

  @Test
  @Execution(ExecutionMode.CONCURRENT) // the class's jobs run side by side; classes, one at a time
  void combinerPartitionerAndComparatorShapeTheOutputAndCounters() throws Exception {
    FileSystem fs = jobs.fs();
    Map<String, Integer> expected = Texts.writeWords(fs, "/letters/in", 2, 300, 36);
    int words = expected.values().stream().mapToInt(Integer::intValue).sum();
    // Distributed cache: a file and a zip archive, which every map finds linked (and extracted) in
    // its working directory.
    try (var out = fs.create(new Path("/letters/cache/note.txt"))) {
      out.write("from-a-file".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    try (var zip = new java.util.zip.ZipOutputStream(fs.create(new Path("/letters/cache/bundle.zip")))) {
      zip.putNextEntry(new java.util.zip.ZipEntry("inside/data.txt"));
      zip.write("from-an-archive".getBytes(java.nio.charset.StandardCharsets.UTF_8));
      zip.closeEntry();
    }
    java.nio.file.Path log = jobs.dir.resolve("letters.log");
    assertThat(jobs.runTestJob("letters", List.of("-files", jobs.defaultFs() + "/letters/cache/note.txt",
        "-archives", jobs.defaultFs() + "/letters/cache/bundle.zip#bundle",
        "-Dcorral.test.cache.check=note.txt=from-a-file,bundle/inside/data.txt=from-an-archive"),
        List.of("/letters/in", "/letters/out"), log)).as("exit code; see %s", log).isZero();

    List<List<String>> parts = Texts.parts(fs, "/letters/out/part-r-*");
    assertThat(parts).hasSize(2);
    assertThat(Texts.counts(parts)).isEqualTo(expected);
    List<String> first = keys(parts.get(0));
    List<String> second = keys(parts.get(1));
    assertThat(first).allMatch(w -> w.charAt(0) <= 'm').isSortedAccordingTo((a, b) -> b.compareTo(a));
    assertThat(second).allMatch(w -> w.charAt(0) > 'm').isSortedAccordingTo((a, b) -> b.compareTo(a));

    // The client's final report, as with YARN: the combiner ran on the map side, the custom
    // counter adds up over all maps.
    String out = Files.readString(log);
    assertThat(out).contains("completed successfully").contains("Launched map tasks=2")
        .contains("Launched reduce tasks=2").contains("Map output records=" + words)
        .contains("Combine input records=" + words).contains("Reduce input groups=" + expected.size())
        .contains("Reduce output records=" + expected.size()).contains("corral").contains("WORDS=" + words)
        .contains("CACHE_FILES_CHECKED=4"); // 2 maps, 2 files each
    long combined = Long.parseLong(out.replaceAll("(?s).*Combine output records=(\\d+).*", "$1"));
    assertThat(combined).isLessThan(words).isGreaterThanOrEqualTo(expected.size());
  }

  @Test
  @Execution(ExecutionMode.CONCURRENT) // the class's jobs run side by side; classes, one at a time
  void failedAttemptsAreRetriedAndLeaveNoDuplicateOutput() throws Exception {
    FileSystem fs = jobs.fs();
    Map<String, Integer> expected = Texts.writeWords(fs, "/failonce/in", 2, 120, 24);
    java.nio.file.Path log = jobs.dir.resolve("failonce.log");
    assertThat(jobs.runTestJob("failonce", List.of("-Dmapreduce.map.maxattempts=2", "-Dmapreduce.reduce.maxattempts=2",
        "-Dmapreduce.job.reduces=2"), List.of("/failonce/in", "/failonce/out"), log)).as("exit code; see %s", log)
        .isZero();

    List<List<String>> parts = Texts.parts(fs, "/failonce/out/part-r-*");
    assertThat(parts).hasSize(2);
    assertThat(Texts.counts(parts)).isEqualTo(expected); // each word once, with its full count
    assertThat(fs.listStatus(new Path("/failonce/out"))).extracting(s -> s.getPath().getName())
        .containsExactlyInAnyOrder("_SUCCESS", "part-r-00000", "part-r-00001");
    String out = Files.readString(log);
    assertThat(out).contains("completed successfully").contains("Failed map tasks=2")
        .contains("Launched map tasks=4").contains("Launched reduce tasks=4").contains("fails on purpose");
    // Each reduce's first attempt fails on purpose, unless the AM killed it first to make room for a
    // map's second attempt (as MapReduce's allocator preempts reduces for starving maps): either way
    // it ran again, and at least one failed.
    long failedReduces = counter(out, "Failed reduce tasks");
    assertThat(failedReduces).as("failed reduce attempts").isBetween(1L, 2L);
    assertThat(failedReduces + counterOrZero(out, "Killed reduce tasks")).as("failed and killed reduce attempts").isEqualTo(2L);
  }

  /**
   * Hadoop's speculator, fed by the AM's own progress reports, starts a second attempt of a
   * straggling map; one attempt commits (canCommit), the other is killed, and the output is exact.
   */
  @Test
  @Execution(ExecutionMode.CONCURRENT) // the class's jobs run side by side; classes, one at a time
  void aStragglingMapGetsASpeculativeAttemptAndItsOutputCountsOnce() throws Exception {
    Map<String, Integer> expected = Texts.writeWords(jobs.fs(), "/spec/in", 4, 90, 12);
    java.nio.file.Path log = jobs.dir.resolve("speculation.log");
    assertThat(jobs.runTestJob("slow", List.of("-Dcorral.test.straggler=true", "-Dcorral.test.line.millis=1000",
        "-Dmapreduce.map.speculative=true", "-Dmapreduce.job.reduces=2"), List.of("/spec/in", "/spec/out"), log))
        .as("exit code; see %s", log).isZero();
    assertThat(Texts.counts(Texts.parts(jobs.fs(), "/spec/out/part-r-*"))).isEqualTo(expected);
    String out = Files.readString(log);
    assertThat(out).doesNotContain("Failed map tasks");
    // At least the straggler's second attempt was launched and one attempt killed (under load the
    // speculator may also schedule, then kill before launch, a redundant attempt of another map).
    assertThat(counter(out, "Launched map tasks")).isGreaterThanOrEqualTo(5);
    assertThat(counter(out, "Killed map tasks")).isGreaterThanOrEqualTo(1);
    // The AM's own log: the straggling map got its redundant attempt.
    String jobId = HadoopJobs.jobId(log);
    String frameworkId = jobs.frameworkId(jobId);
    java.nio.file.Path amLog;
    try (var files = Files.walk(jobs.dir.resolve("corral"))) {
      amLog = files.filter(f -> f.endsWith("tasks/appmaster/syslog") && f.toString().contains(frameworkId))
          .findFirst().orElseThrow();
    }
    assertThat(Files.readString(amLog)).contains("Scheduling a redundant attempt for task "
        + jobId.replace("job_", "task_") + "_m_000000");
  }

  /** A counter Hadoop prints only once it counted something ({@code Killed reduce tasks}): 0 when absent. */
  private static long counterOrZero(String clientOutput, String name) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile(name + "=(\\d+)").matcher(clientOutput);
    return m.find() ? Long.parseLong(m.group(1)) : 0;
  }

  private static long counter(String clientOutput, String name) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile(name + "=(\\d+)").matcher(clientOutput);
    assertThat(m.find()).as("counter %s in the client's output", name).isTrue();
    return Long.parseLong(m.group(1));
  }

  @Test
  @Execution(ExecutionMode.CONCURRENT) // the class's jobs run side by side; classes, one at a time
  void aLaterClientSeesProgressAndKillsTheJob() throws Exception {
    Texts.writeWords(jobs.fs(), "/kill/in", 2, 400, 12);
    java.nio.file.Path log = jobs.dir.resolve("kill.log");
    // The submitting client goes away at once; this test's JVM is the later client.
    assertThat(jobs.runTestJob("slow", List.of("-Dcorral.test.line.millis=200"), List.of("-s", "/kill/in",
        "/kill/out"), log)).as("exit code; see %s", log).isZero();
    String jobId = HadoopJobs.jobId(log);
    assertThat(jobId).as("job id in %s", log).isNotNull();

    Cluster cluster = new Cluster(jobs.clientConf());
    try {
      Job job = cluster.getJob(JobID.forName(jobId));
      assertThat(job).isNotNull();
      List<Float> progress = new ArrayList<>();
      await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500)).until(() -> {
        JobStatus status = job.getStatus();
        if (status.getState() == JobStatus.State.RUNNING) {
          progress.add(status.getMapProgress());
        }
        return status.getState() == JobStatus.State.RUNNING && status.getMapProgress() > 0.05f;
      });
      assertThat(progress).isSortedAccordingTo(Float::compare);
      // The tracking URL is the job's page on the AM's web UI, open to a browser (no YARN proxy).
      String url = job.getStatus().getTrackingUrl();
      assertThat(url).startsWith("http://").endsWith("/mapreduce/job/" + jobId);
      java.net.HttpURLConnection page = (java.net.HttpURLConnection) new java.net.URL(url).openConnection();
      page.setInstanceFollowRedirects(false);
      assertThat(page.getResponseCode()).as("GET %s", url).isEqualTo(200);
      try (var in = page.getInputStream()) {
        assertThat(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)).contains(jobId);
      }
      String frameworkId = jobs.frameworkId(jobId);
      assertThat(jobs.tasks(frameworkId)).anyMatch(t -> t.getName().contains("_m_")
          && t.getState() == io.corral.protocol.TaskState.TASK_RUNNING);

      job.killJob();
      await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(500)).until(job::isComplete);
      assertThat(job.getStatus().getState()).isEqualTo(JobStatus.State.KILLED);
      assertThat(job.isSuccessful()).isFalse();
      assertThat(jobs.fs().exists(new Path("/kill/out/_SUCCESS"))).isFalse();
      // The AM tore the job's framework down: no executor, task or AM process is left.
      await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
        assertThat(jobs.frameworks()).doesNotContain(frameworkId);
        assertThat(HadoopJobs.processesOf(frameworkId)).isEmpty();
      });
      // With the AM gone, a client that comes later still learns how the job ended: from the final
      // status the AM left (not RUNNING for ever, nor a FAILED guessed from a dead AM).
      Cluster later = new Cluster(jobs.clientConf());
      try {
        JobStatus end = later.getJob(JobID.forName(jobId)).getStatus();
        assertThat(end.getState()).as("the job's state for a client after the AM ended").isEqualTo(JobStatus.State.KILLED);
        assertThat(end.getTrackingUrl()).isEqualTo(url);
      } finally {
        later.close();
      }
    } finally {
      cluster.close();
    }
  }

  private static List<String> keys(List<String> lines) {
    return lines.stream().map(l -> l.split("\t")[0]).toList();
  }
}
