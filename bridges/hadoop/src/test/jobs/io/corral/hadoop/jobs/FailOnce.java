package io.corral.hadoop.jobs;

import java.io.IOException;
import org.apache.hadoop.conf.Configured;
import org.apache.hadoop.io.IntWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.mapreduce.Job;
import org.apache.hadoop.util.Tool;
import org.apache.hadoop.util.ToolRunner;

/**
 * Word count whose every task fails on its first attempt: maps halfway through their split,
 * reducers after writing part of their output. With {@code mapreduce.*.maxattempts} of 2 the job
 * succeeds, and the commit protocol must keep the failed attempts' output out:
 * {@code failonce <in> <out>}.
 */
public class FailOnce extends Configured implements Tool {

  public static class Map extends Words.Tokens {
    private int lines;

    @Override
    protected void map(Object key, Text value, Context context) throws IOException, InterruptedException {
      super.map(key, value, context);
      if (context.getTaskAttemptID().getId() == 0 && ++lines == 50) {
        throw new IOException("first attempt of " + context.getTaskAttemptID().getTaskID() + " fails on purpose");
      }
    }
  }

  public static class Reduce extends Words.Sum {
    private int keys;

    @Override
    protected void reduce(Text key, Iterable<IntWritable> values, Context context)
        throws IOException, InterruptedException {
      super.reduce(key, values, context);
      if (context.getTaskAttemptID().getId() == 0 && ++keys == 3) {
        throw new IOException("first attempt of " + context.getTaskAttemptID().getTaskID() + " fails on purpose");
      }
    }
  }

  @Override
  public int run(String[] args) throws Exception {
    Job job = Words.job(getConf(), "failonce", FailOnce.class, args[0], args[1]);
    job.setMapperClass(Map.class);
    job.setReducerClass(Reduce.class);
    return Words.run(job);
  }

  public static void main(String[] args) throws Exception {
    System.exit(ToolRunner.run(new FailOnce(), args));
  }
}
