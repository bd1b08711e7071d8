package io.corral.hadoop.jobs;

import java.io.IOException;
import java.util.StringTokenizer;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.IntWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.mapreduce.Job;
import org.apache.hadoop.mapreduce.Mapper;
import org.apache.hadoop.mapreduce.Reducer;
import org.apache.hadoop.mapreduce.lib.input.FileInputFormat;
import org.apache.hadoop.mapreduce.lib.output.FileOutputFormat;

/** What the test jobs share: a word-count mapper and a summing reducer. */
public final class Words {
  private Words() {}

  /**
   * {@code path=content,...}: files the job's distributed cache put in each map's working directory
   * (links to cache files, and paths inside extracted archives), with the content they must hold.
   */
  public static final String CACHE_CHECK = "corral.test.cache.check";

  /**
   * (word, 1) for each word; counts words in the "corral" counter group. First checks the
   * distributed cache files named in {@link #CACHE_CHECK} (counted as CACHE_FILES_CHECKED).
   */
  public static class Tokens extends Mapper<Object, Text, Text, IntWritable> {
    private static final IntWritable ONE = new IntWritable(1);
    private final Text word = new Text();

    @Override
    protected void setup(Context context) throws IOException {
      for (String check : context.getConfiguration().getTrimmedStrings(CACHE_CHECK)) {
        int eq = check.indexOf('=');
        java.nio.file.Path file = java.nio.file.Path.of(check.substring(0, eq));
        String content = new String(java.nio.file.Files.readAllBytes(file), java.nio.charset.StandardCharsets.UTF_8)
            .trim();
        if (!content.equals(check.substring(eq + 1))) {
          throw new IOException(file + " holds '" + content + "', not '" + check.substring(eq + 1) + "'");
        }
        context.getCounter("corral", "CACHE_FILES_CHECKED").increment(1);
      }
    }

    @Override
    protected void map(Object key, Text value, Context context) throws IOException, InterruptedException {
      StringTokenizer it = new StringTokenizer(value.toString());
      while (it.hasMoreTokens()) {
        word.set(it.nextToken());
        context.write(word, ONE);
        context.getCounter("corral", "WORDS").increment(1);
      }
    }
  }

  /** Sums the counts of a word (also used as the combiner). */
  public static class Sum extends Reducer<Text, IntWritable, Text, IntWritable> {
    private final IntWritable result = new IntWritable();

    @Override
    protected void reduce(Text key, Iterable<IntWritable> values, Context context)
        throws IOException, InterruptedException {
      int sum = 0;
      for (IntWritable v : values) {
        sum += v.get();
      }
      result.set(sum);
      context.write(key, result);
    }
  }

  /** A word-count job from {@code in} to {@code out} with the given classes. */
  public static Job job(Configuration conf, String name, Class<?> jarClass, String in, String out) throws IOException {
    Job job = Job.getInstance(conf, name);
    if (jarClass != null) {
      job.setJarByClass(jarClass);
    }
    job.setMapperClass(Tokens.class);
    job.setReducerClass(Sum.class);
    job.setOutputKeyClass(Text.class);
    job.setOutputValueClass(IntWritable.class);
    FileInputFormat.addInputPath(job, new Path(in));
    FileOutputFormat.setOutputPath(job, new Path(out));
    return job;
  }

  /** Runs the job to its end, printing progress and counters as the examples do; 0 if it succeeded. */
  public static int run(Job job) throws Exception {
    return job.waitForCompletion(true) ? 0 : 1;
  }
}
