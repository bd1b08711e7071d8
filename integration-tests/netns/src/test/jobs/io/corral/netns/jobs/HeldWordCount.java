package io.corral.netns.jobs;

import java.io.IOException;
import java.util.StringTokenizer;
import org.apache.hadoop.conf.Configured;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.IntWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.mapreduce.Job;
import org.apache.hadoop.mapreduce.Mapper;
import org.apache.hadoop.mapreduce.Reducer;
import org.apache.hadoop.mapreduce.lib.input.FileInputFormat;
import org.apache.hadoop.mapreduce.lib.output.FileOutputFormat;
import org.apache.hadoop.util.Tool;
import org.apache.hadoop.util.ToolRunner;

/**
 * A word count (words split as Hadoop's WordCount splits them) whose maps are long: the first
 * attempt of each map holds its container until the file {@code shared.pool.release} exists (an
 * attempt run again, after a preemption, does not wait). A user's job jar, built by the test:
 * {@code hadoop jar held-wordcount.jar [-D...] <in> <out>}.
 */
public class HeldWordCount extends Configured implements Tool {
  public static final String RELEASE = "shared.pool.release";

  /** (word, 1) for each word, once the release file exists (first attempts only). */
  public static class Tokens extends Mapper<Object, Text, Text, IntWritable> {
    private static final IntWritable ONE = new IntWritable(1);
    private final Text word = new Text();

    @Override
    protected void setup(Context context) throws IOException, InterruptedException {
      String release = context.getConfiguration().get(RELEASE);
      if (release == null || context.getTaskAttemptID().getId() > 0) {
        return;
      }
      Path file = new Path(release);
      FileSystem fs = file.getFileSystem(context.getConfiguration());
      while (!fs.exists(file)) {
        context.progress();
        Thread.sleep(200); // the job's own work: a long map, as long as the test needs
      }
    }

    @Override
    protected void map(Object key, Text value, Context context) throws IOException, InterruptedException {
      StringTokenizer it = new StringTokenizer(value.toString());
      while (it.hasMoreTokens()) {
        word.set(it.nextToken());
        context.write(word, ONE);
      }
    }
  }

  /** Sums a word's counts (the combiner too). */
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

  @Override
  public int run(String[] args) throws Exception {
    Job job = Job.getInstance(getConf(), "held wordcount " + args[1]);
    job.setJarByClass(HeldWordCount.class);
    job.setMapperClass(Tokens.class);
    job.setCombinerClass(Sum.class);
    job.setReducerClass(Sum.class);
    job.setOutputKeyClass(Text.class);
    job.setOutputValueClass(IntWritable.class);
    FileInputFormat.addInputPath(job, new Path(args[0]));
    FileOutputFormat.setOutputPath(job, new Path(args[1]));
    return job.waitForCompletion(true) ? 0 : 1;
  }

  public static void main(String[] args) throws Exception {
    System.exit(ToolRunner.run(new HeldWordCount(), args));
  }
}
