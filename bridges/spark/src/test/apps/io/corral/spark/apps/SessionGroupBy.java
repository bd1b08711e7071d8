package io.corral.spark.apps;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.sum;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * A DataFrame group-by through {@code SparkSession.builder().master(args[0])}: the application
 * sets its master itself ({@code corral://...}), no spark-submit. Prints {@code GROUPS=} and
 * {@code TOTAL=}.
 */
public final class SessionGroupBy {
  public static void main(String[] args) {
    long rows = Long.parseLong(args[1]);
    SparkSession spark = SparkSession.builder().master(args[0]).appName("session-group-by").getOrCreate();
    try {
      Row[] groups = (Row[]) spark.range(rows).withColumn("k", col("id").mod(10)).groupBy("k")
          .agg(sum("id").as("s")).collect();
      long total = 0;
      for (Row r : groups) {
        total += r.getLong(1);
      }
      System.out.println("GROUPS=" + groups.length);
      System.out.println("TOTAL=" + total);
    } finally {
      spark.stop();
    }
  }
}
