package io.corral.spark.apps;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * A stage whose tasks wait until the file {@code args[0]} exists (or 60 s), so a test can kill an
 * executor while tasks run on it; then a shuffle. Prints {@code STAGE_RUNNING} when the first
 * task started, and {@code TOTAL=} at the end.
 */
public final class SlowStage {
  public static void main(String[] args) throws Exception {
    String release = args[0];
    int partitions = Integer.parseInt(args[1]);
    try (JavaSparkContext sc = new JavaSparkContext(new SparkConf().setAppName("slow-stage"))) {
      sc.sc().addSparkListener(new org.apache.spark.scheduler.SparkListener() {
        private boolean said;

        @Override
        public synchronized void onTaskStart(org.apache.spark.scheduler.SparkListenerTaskStart start) {
          if (!said) {
            said = true;
            System.out.println("STAGE_RUNNING");
            System.out.flush();
          }
        }
      });
      long total = sc.parallelize(List.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12), partitions)
          .map(x -> {
            long deadline = System.currentTimeMillis() + 60_000;
            while (!Files.exists(Path.of(release)) && System.currentTimeMillis() < deadline) {
              Thread.sleep(100); // a slow task: waits for the test's go-ahead
            }
            return (long) x;
          })
          .mapToPair(x -> new scala.Tuple2<>(x % 3, x)).reduceByKey(Long::sum).values()
          .reduce(Long::sum);
      System.out.println("TOTAL=" + total);
    }
  }
}
