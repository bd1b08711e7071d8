package io.corral.hadoop.jobs;

import java.io.IOException;
import org.apache.hadoop.conf.Configured;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.mapreduce.Job;
import org.apache.hadoop.util.Tool;
import org.apache.hadoop.util.ToolRunner;

/**
 * Jobs whose tasks go wrong: {@code bad throw|exit|nojar <in> <out>}: every map throws, or ends
 * its JVM with {@code System.exit(3)}, or the job is submitted without its jar (the tasks cannot
 * load the mapper).
 */
public class BadTasks extends Configured implements Tool {

  public static class Throws extends Words.Tokens {
    @Override
    protected void map(Object key, Text value, Context context) throws IOException, InterruptedException {
      throw new IllegalStateException("bad record at offset " + key);
    }
  }

  public static class Exits extends Words.Tokens {
    @Override
    protected void map(Object key, Text value, Context context) {
      System.exit(3);
    }
  }

  @Override
  public int run(String[] args) throws Exception {
    String how = args[0];
    Job job = Words.job(getConf(), "bad-" + how, how.equals("nojar") ? null : BadTasks.class, args[1], args[2]);
    job.setMapperClass(switch (how) {
      case "throw" -> Throws.class;
      case "exit" -> Exits.class;
      default -> Words.Tokens.class;
    });
    return Words.run(job);
  }

  public static void main(String[] args) throws Exception {
    System.exit(ToolRunner.run(new BadTasks(), args));
  }
}
