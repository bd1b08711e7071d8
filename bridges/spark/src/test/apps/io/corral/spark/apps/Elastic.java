package io.corral.spark.apps;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Dynamic allocation: starts with no executors, runs a job of {@code args[0]} slow tasks (the
 * executor count grows), then waits until every executor is released (idle timeout). Prints
 * {@code PEAK=} (most executors seen), {@code SHRUNK} once none is left, and {@code TOTAL=}; then
 * waits until the file {@code args[1]} exists (the test's go-ahead, at most 2 minutes).
 */
public final class Elastic {
  public static void main(String[] args) throws Exception {
    int tasks = Integer.parseInt(args[0]);
    try (JavaSparkContext sc = new JavaSparkContext(new SparkConf().setAppName("elastic"))) {
      System.out.println("START_EXECUTORS=" + executors(sc));
      int[] peak = {0};
      Thread watch = new Thread(() -> {
        while (!Thread.currentThread().isInterrupted()) {
          peak[0] = Math.max(peak[0], executors(sc));
          try {
            Thread.sleep(100); // sampling the executor count
          } catch (InterruptedException e) {
            return;
          }
        }
      });
      watch.start();
      List<Integer> xs = new ArrayList<>();
      for (int i = 0; i < tasks; i++) {
        xs.add(i);
      }
      long total = sc.parallelize(xs, tasks).map(x -> {
        Thread.sleep(1500); // slow tasks, so that Spark asks for more executors
        return (long) x;
      }).reduce(Long::sum);
      watch.interrupt();
      watch.join();
      System.out.println("PEAK=" + peak[0]);
      System.out.println("TOTAL=" + total);
      long deadline = System.currentTimeMillis() + 120_000;
      while (executors(sc) > 0 && System.currentTimeMillis() < deadline) {
        Thread.sleep(200); // waiting for the idle executors to be released
      }
      System.out.println(executors(sc) == 0 ? "SHRUNK" : "NOT_SHRUNK=" + executors(sc));
      System.out.flush();
      java.nio.file.Path release = java.nio.file.Path.of(args[1]);
      deadline = System.currentTimeMillis() + 120_000;
      while (!java.nio.file.Files.exists(release) && System.currentTimeMillis() < deadline) {
        Thread.sleep(100); // waiting for the test's go-ahead
      }
    }
  }

  /** Executors other than the driver. */
  private static int executors(JavaSparkContext sc) {
    return sc.sc().statusTracker().getExecutorInfos().length - 1;
  }
}
