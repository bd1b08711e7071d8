package io.corral.spark.apps;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import scala.Tuple2;

/**
 * The benchmark's application (SparkBenchmark runs it on Corral and on Spark standalone): waits
 * until {@code executors} executors are registered, then a group-by of {@code rows} generated rows
 * over {@code partitions} partitions (a shuffle), then a job of {@code tiny} one-element tasks.
 * Prints {@code BENCH registered_ms=<JVM start to all executors> groupby_ms=<> tiny_ms=<> check=<>}.
 */
public final class Bench {
  public static void main(String[] args) throws Exception {
    int executors = Integer.parseInt(args[0]);
    long rows = Long.parseLong(args[1]);
    int partitions = Integer.parseInt(args[2]);
    int tiny = Integer.parseInt(args[3]);
    long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
    try (JavaSparkContext sc = new JavaSparkContext(new SparkConf().setAppName("bench"))) {
      while (sc.sc().statusTracker().getExecutorInfos().length - 1 < executors) {
        Thread.sleep(10); // polling Spark's own view of its executors
      }
      long registered = System.currentTimeMillis() - jvmStart;

      long t0 = System.nanoTime();
      List<Integer> parts = new ArrayList<>();
      for (int i = 0; i < partitions; i++) {
        parts.add(i);
      }
      long perPart = rows / partitions;
      long groups = sc.parallelize(parts, partitions)
          .flatMapToPair(p -> java.util.stream.LongStream.range(0, perPart)
              .mapToObj(i -> new Tuple2<>((p * perPart + i) * 2654435761L % 100_000, 1L)).iterator())
          .reduceByKey(Long::sum, partitions).count();
      long groupBy = (System.nanoTime() - t0) / 1_000_000;

      t0 = System.nanoTime();
      List<Integer> ones = new ArrayList<>();
      for (int i = 0; i < tiny; i++) {
        ones.add(i);
      }
      long sum = sc.parallelize(ones, tiny).map(x -> (long) x).reduce(Long::sum);
      long tinyMs = (System.nanoTime() - t0) / 1_000_000;
      System.out.println("BENCH registered_ms=" + registered + " groupby_ms=" + groupBy + " tiny_ms=" + tinyMs
          + " check=" + groups + "/" + sum);
    }
  }
}
