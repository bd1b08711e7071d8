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

  /** (word, 1) for each word; counts words in the "corral" counter group. */
  public static class Tokens extends Mapper<Object, Text, Text, IntWritable> {
    private static final IntWritable ONE = new IntWritable(1);
    private final Text word = new Text();

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
