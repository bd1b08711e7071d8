package io.corral.spark.examples;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.IntStream;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaSparkContext;
import scala.Tuple2;

/**
 * A word count with a shuffle, over text it makes up itself (so it needs no input files), as
 * {@code corral demo} runs it:
 *
 * <pre>
 * spark-submit --master spark+corral://host:port --class io.corral.spark.examples.WordCount \
 *     bridges/spark/corral-spark.jar [lines] [partitions]
 * </pre>
 *
 * <p>Line {@code i} is the sentence {@code i % 5} of a fixed list; the words are counted with
 * {@code reduceByKey} on the executors. Prints {@code wordcount: <words> words, <distinct> distinct in <lines> lines},
 * {@code counts: <word>=<count> ...} (which the demo checks) and {@code executors: <id>@<host> ...}.
 */
public final class WordCount {
  private static final String[] SENTENCES = {
      "the cow jumped over the moon", "an apple a day keeps the doctor away",
      "four score and seven years ago", "snow white and the seven dwarfs", "i am at two with nature"};

  private WordCount() {}

  public static void main(String[] args) {
    int lines = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
    int partitions = args.length > 1 ? Integer.parseInt(args[1]) : 8;
    SparkConf conf = new SparkConf().setAppName("corral-demo-wordcount");
    try (JavaSparkContext sc = new JavaSparkContext(conf)) {
      int perPartition = lines / partitions;
      Map<String, Long> counts = new TreeMap<>(sc.parallelize(range(partitions), partitions)
          .flatMap(p -> IntStream.range(p * perPartition, (p + 1) * perPartition)
              .mapToObj(i -> SENTENCES[i % SENTENCES.length]).iterator())
          .flatMap(line -> List.of(line.split(" ")).iterator())
          .mapToPair(w -> new Tuple2<>(w, 1L))
          .reduceByKey(Long::sum, partitions)
          .collectAsMap());
      TreeSet<String> executors = new TreeSet<>(sc.parallelize(range(partitions), partitions)
          .map(x -> SparkEnv.get().executorId() + "@" + java.net.InetAddress.getLocalHost().getHostName())
          .collect());
      long words = counts.values().stream().mapToLong(Long::longValue).sum();
      System.out.println("wordcount: " + words + " words, " + counts.size() + " distinct in "
          + partitions * perPartition + " lines");
      StringBuilder all = new StringBuilder("counts:");
      counts.forEach((w, n) -> all.append(' ').append(w).append('=').append(n));
      System.out.println(all);
      System.out.println("executors: " + String.join(" ", executors));
    }
  }

  private static List<Integer> range(int n) {
    List<Integer> r = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      r.add(i);
    }
    return r;
  }
}
