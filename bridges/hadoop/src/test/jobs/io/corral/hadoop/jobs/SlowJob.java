package io.corral.hadoop.jobs;

import java.io.IOException;
import org.apache.hadoop.conf.Configured;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.mapreduce.Job;
import org.apache.hadoop.util.Tool;
import org.apache.hadoop.util.ToolRunner;

/**
 * Word count that pauses {@code corral.test.line.millis} per input line, so it runs long enough
 * to be watched, killed, or to lose an agent: {@code slow [-s] <in> <out>}; with {@code -s} it
 * only submits, prints the job id and exits (the client goes away). With
 * {@code corral.test.straggler=true} only the first attempt of the first map pauses: a straggler
 * for the speculator. With {@code corral.test.release=<path>} the first attempt of every map waits
 * until that file exists before it reads a line (later attempts do not): its container is held for
 * as long as a test needs, e.g. to be preempted.
 */
public class SlowJob extends Configured implements Tool {
  public static final String LINE_MILLIS = "corral.test.line.millis";
  public static final String STRAGGLER = "corral.test.straggler";
  public static final String RELEASE = "corral.test.release";

  public static class Map extends Words.Tokens {
    @Override
    protected void setup(Context context) throws IOException {
      super.setup(context);
      String release = context.getConfiguration().get(RELEASE);
      if (release == null || context.getTaskAttemptID().getId() > 0) {
        return;
      }
      org.apache.hadoop.fs.Path file = new org.apache.hadoop.fs.Path(release);
      org.apache.hadoop.fs.FileSystem fs = file.getFileSystem(context.getConfiguration());
      try {
        while (!fs.exists(file)) {
          context.progress();
          Thread.sleep(100);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for " + file, e);
      }
    }


    @Override
    protected void map(Object key, Text value, Context context) throws IOException, InterruptedException {
      org.apache.hadoop.mapreduce.TaskAttemptID attempt = context.getTaskAttemptID();
      boolean pauses = !context.getConfiguration().getBoolean(STRAGGLER, false)
          || attempt.getTaskID().getId() == 0 && attempt.getId() == 0;
      if (pauses) {
        Thread.sleep(context.getConfiguration().getLong(LINE_MILLIS, 100));
      }
      super.map(key, value, context);
    }
  }

  @Override
  public int run(String[] args) throws Exception {
    boolean submitOnly = args[0].equals("-s");
    int i = submitOnly ? 1 : 0;
    Job job = Words.job(getConf(), "slow", SlowJob.class, args[i], args[i + 1]);
    job.setMapperClass(Map.class);
    if (!submitOnly) {
      return Words.run(job);
    }
    job.submit();
    System.out.println("submitted " + job.getJobID());
    return 0;
  }

  public static void main(String[] args) throws Exception {
    System.exit(ToolRunner.run(new SlowJob(), args));
  }
}
