package io.corral.hadoop.jobs;

import org.apache.hadoop.conf.Configured;
import org.apache.hadoop.io.IntWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.mapreduce.Job;
import org.apache.hadoop.mapreduce.Partitioner;
import org.apache.hadoop.util.Tool;
import org.apache.hadoop.util.ToolRunner;

/**
 * Word count with a combiner, a custom partitioner (words starting a-m go to reducer 0, the rest
 * to reducer 1) and a custom sort comparator (descending): {@code letters <in> <out>}.
 */
public class LetterCount extends Configured implements Tool {

  /** a-m to partition 0, everything else to the last partition. */
  public static class FirstLetter extends Partitioner<Text, IntWritable> {
    @Override
    public int getPartition(Text key, IntWritable value, int partitions) {
      char c = key.getLength() == 0 ? 'z' : Character.toLowerCase((char) key.charAt(0));
      return c >= 'a' && c <= 'm' ? 0 : partitions - 1;
    }
  }

  /** Text keys in descending order. */
  public static class Descending extends Text.Comparator {
    @Override
    public int compare(byte[] b1, int s1, int l1, byte[] b2, int s2, int l2) {
      return -super.compare(b1, s1, l1, b2, s2, l2);
    }
  }

  @Override
  public int run(String[] args) throws Exception {
    Job job = Words.job(getConf(), "letters", LetterCount.class, args[0], args[1]);
    job.setCombinerClass(Words.Sum.class);
    job.setPartitionerClass(FirstLetter.class);
    job.setSortComparatorClass(Descending.class);
    job.setNumReduceTasks(2);
    return Words.run(job);
  }

  public static void main(String[] args) throws Exception {
    System.exit(ToolRunner.run(new LetterCount(), args));
  }
}
