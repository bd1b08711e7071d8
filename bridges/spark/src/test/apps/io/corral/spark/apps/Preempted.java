package io.corral.spark.apps;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkStageInfo;
import org.apache.spark.Success$;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorRemoved;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.LongAccumulator;
import scala.Tuple2;

/**
 * A job to preempt mid-stage: caches an RDD (8 partitions of 100 numbers), then runs a shuffle of
 * {@code args[1]} partitions (10 numbers each) whose map tasks take 150 ms each until the file
 * {@code args[0]} exists, then reads the cache again. Prints {@code SLOW_STAGE_RUNNING} once that stage's first task
 * started, each executor removed with Spark's reason, each task that failed or is run again, and at
 * the end the results, how often the cached numbers were computed, how many of the slow stage's
 * tasks succeeded, the failed tasks as this listener and Spark's status tracker count them, and
 * the tasks run again because their shuffle output was lost.
 */
public final class Preempted {
  public static void main(String[] args) throws Exception {
    String release = args[0];
    int partitions = Integer.parseInt(args[1]);
    AtomicInteger slowStage = new AtomicInteger(-1);
    AtomicInteger failedTasks = new AtomicInteger();
    AtomicInteger resubmitted = new AtomicInteger();
    Map<Integer, AtomicInteger> succeeded = new ConcurrentHashMap<>();
    try (JavaSparkContext sc = new JavaSparkContext(new SparkConf().setAppName("preempted"))) {
      sc.sc().addSparkListener(new SparkListener() {
        private boolean said;

        @Override
        public synchronized void onTaskStart(SparkListenerTaskStart start) {
          if (!said && start.stageId() == slowStage.get()) {
            said = true;
            say("SLOW_STAGE_RUNNING");
          }
        }

        @Override
        public void onJobStart(org.apache.spark.scheduler.SparkListenerJobStart job) {
          if ("slow".equals(job.properties().getProperty("spark.jobGroup.id"))) {
            // The shuffle's map stage is created before the result stage: the job's first.
            int first = Integer.MAX_VALUE;
            for (Object id : scala.jdk.javaapi.CollectionConverters.asJava(job.stageIds())) {
              first = Math.min(first, (Integer) id);
            }
            slowStage.set(first);
          }
        }

        @Override
        public void onTaskEnd(SparkListenerTaskEnd end) {
          if (end.reason() == Success$.MODULE$) {
            succeeded.computeIfAbsent(end.stageId(), k -> new AtomicInteger()).incrementAndGet();
          } else if (end.reason() == org.apache.spark.Resubmitted$.MODULE$) {
            resubmitted.incrementAndGet(); // its output was lost: it runs again (no failure)
            say("TASK_RESUBMITTED stage " + end.stageId() + " on executor " + end.taskInfo().executorId());
          } else {
            failedTasks.incrementAndGet();
            say("TASK_NOT_SUCCEEDED stage " + end.stageId() + " on executor " + end.taskInfo().executorId() + ": "
                + end.reason());
          }
        }

        @Override
        public void onStageCompleted(SparkListenerStageCompleted done) {
          if (done.stageInfo().stageId() == slowStage.get()) {
            say("SLOW_STAGE_DONE");
          }
        }

        @Override
        public void onExecutorRemoved(SparkListenerExecutorRemoved removed) {
          say("EXECUTOR_REMOVED " + removed.executorId() + " " + removed.reason());
        }
      });
      LongAccumulator computed = sc.sc().longAccumulator("computed");
      JavaRDD<Long> cached = sc.parallelize(numbers(800), 8).map(x -> {
        computed.add(1);
        return x;
      }).persist(StorageLevel.MEMORY_ONLY());
      say("CACHED=" + cached.count());
      sc.setJobGroup("slow", "the shuffle to preempt mid-stage", false);
      long byKey = sc.parallelize(numbers(partitions * 10), partitions).mapPartitionsToPair(it -> {
        if (!Files.exists(Path.of(release))) {
          Thread.sleep(150); // a slow task until the test's go-ahead
        }
        List<Tuple2<Long, Long>> out = new ArrayList<>();
        it.forEachRemaining(x -> out.add(new Tuple2<>(x % 7, x)));
        return out.iterator();
      }).reduceByKey(Long::sum).values().reduce(Long::sum);
      sc.clearJobGroup();
      long again = cached.reduce(Long::sum);
      int statusFailed = 0;
      for (int job : sc.statusTracker().getJobIdsForGroup(null)) {
        org.apache.spark.SparkJobInfo info0 = sc.statusTracker().getJobInfo(job);
        for (int stage : info0 == null ? new int[0] : info0.stageIds()) {
          SparkStageInfo info = sc.statusTracker().getStageInfo(stage);
          statusFailed += info == null ? 0 : info.numFailedTasks();
        }
      }
      say("TOTAL=" + byKey + " AGAIN=" + again + " COMPUTED=" + computed.value() + " SLOW_STAGE_SUCCEEDED="
          + succeeded.getOrDefault(slowStage.get(), new AtomicInteger()).get() + " FAILED_TASKS=" + failedTasks.get()
          + " STATUS_FAILED_TASKS=" + statusFailed + " RESUBMITTED=" + resubmitted.get());
    }
  }

  private static List<Long> numbers(int n) {
    List<Long> numbers = new ArrayList<>();
    for (long i = 1; i <= n; i++) {
      numbers.add(i);
    }
    return numbers;
  }

  private static void say(String line) {
    System.out.println(line);
    System.out.flush();
  }
}
