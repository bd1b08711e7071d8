package io.corral.hadoop.jobs;

import org.apache.hadoop.util.ProgramDriver;

/**
 * The test job jar's entry point, like the examples jar's: {@code hadoop jar corral-test-jobs.jar
 * <program> [-D...] args}. These classes are compiled and packaged at test time and reach the
 * tasks only through the job jar.
 */
public final class TestJobs {
  private TestJobs() {}

  public static void main(String[] args) throws Throwable {
    ProgramDriver programs = new ProgramDriver();
    programs.addClass("letters", LetterCount.class,
        "Counts words with a combiner, a first-letter partitioner and a descending sort comparator.");
    programs.addClass("failonce", FailOnce.class,
        "Counts words; every map and reduce fails on its first attempt (reducers after writing output).");
    programs.addClass("slow", SlowJob.class, "Counts words slowly (a pause per line); -s submits and exits.");
    programs.addClass("bad", BadTasks.class, "A job whose maps throw, exit the JVM, or whose jar is not set.");
    System.exit(programs.run(args));
  }
}
