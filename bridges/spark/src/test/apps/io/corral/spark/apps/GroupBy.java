package io.corral.spark.apps;

import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaSparkContext;
import scala.Tuple2;

/**
 * A job with a shuffle: {@code rows} numbers in {@code partitions} partitions grouped by
 * {@code n % 100} and summed per key. Prints {@code GROUPS=}, {@code TOTAL=} (checked by the test
 * against the arithmetic) and {@code EXECUTOR_HOSTS=} (the hosts of the executors that ran map tasks).
 * The master comes from spark-submit, unless a third argument names it (set from code).
 */
public final class GroupBy {
  public static void main(String[] args) throws Exception {
    long rows = Long.parseLong(args[0]);
    int partitions = Integer.parseInt(args[1]);
    SparkConf conf = new SparkConf().setAppName("group-by");
    if (args.length > 2) {
      conf.setMaster(args[2]);
    }
    try (JavaSparkContext sc = new JavaSparkContext(conf)) {
      JavaPairRDD<Long, Long> pairs = sc.parallelize(List.of(0), 1)
          .flatMap(x -> java.util.stream.LongStream.range(0, partitions).boxed().iterator())
          .repartition(partitions)
          .flatMapToPair(p -> java.util.stream.LongStream.range(0, rows / partitions)
              .mapToObj(i -> new Tuple2<>((p * (rows / partitions) + i) % 100, p * (rows / partitions) + i))
              .iterator());
      Map<Long, Long> sums = pairs.reduceByKey(Long::sum, partitions).collectAsMap();
      long total = sums.values().stream().mapToLong(Long::longValue).sum();
      TreeSet<String> hosts = new TreeSet<>(sc.parallelize(List.of(1, 2, 3, 4, 5, 6, 7, 8), partitions)
          .map(x -> org.apache.spark.SparkEnv.get().executorId() + "@"
              + java.net.InetAddress.getLocalHost().getHostName() + ":"
              + System.getenv("CORRAL_SANDBOX"))
          .collect());
      System.out.println("GROUPS=" + sums.size());
      System.out.println("TOTAL=" + total);
      System.out.println("EXECUTORS=" + hosts);
    }
  }
}
