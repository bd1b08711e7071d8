package io.corral.storm.apps;

import java.util.Map;
import org.apache.storm.Config;
import org.apache.storm.StormSubmitter;
import org.apache.storm.spout.SpoutOutputCollector;
import org.apache.storm.task.TopologyContext;
import org.apache.storm.testing.TestWordCounter;
import org.apache.storm.topology.BasicOutputCollector;
import org.apache.storm.topology.OutputFieldsDeclarer;
import org.apache.storm.topology.TopologyBuilder;
import org.apache.storm.topology.base.BaseBasicBolt;
import org.apache.storm.topology.base.BaseRichSpout;
import org.apache.storm.tuple.Fields;
import org.apache.storm.tuple.Tuple;
import org.apache.storm.tuple.Values;

/**
 * A word count, submitted the way `storm jar` runs a topology's main: sentences (emitted with
 * message ids, so Storm tracks and acks them) are split into words, which Storm's own
 * {@link TestWordCounter} counts by fields grouping.
 *
 * <p>Usage: {@code WordCountTopology <name> <workers> [key=value ...]} (extra topology settings, values as
 * numbers when they parse as such; {@value #RATE} and {@value #PARALLELISM} are the topology's own).
 */
public final class WordCountTopology {
  /** Sentences per second each spout task emits at most (0 or unset: as fast as acks allow). */
  public static final String RATE = "wordcount.sentences.per.sec";
  /** Executors of each component, and ackers (default 2). */
  public static final String PARALLELISM = "wordcount.parallelism";
  /**
   * A directory (on the machine the workers run on) where each spout task keeps
   * {@code acked-<task>}: "count millis" of its acked sentences, rewritten every second, and the
   * first one writes {@code first-ack} (epoch millis of the first ack). For the benchmark.
   */
  public static final String REPORT_DIR = "wordcount.report.dir";

  private WordCountTopology() {}

  public static void main(String[] args) throws Exception {
    String name = args[0];
    int workers = Integer.parseInt(args[1]);
    Config conf = new Config();
    conf.setNumWorkers(workers);
    conf.setMaxSpoutPending(500);
    for (int i = 2; i < args.length; i++) {
      String[] kv = args[i].split("=", 2);
      conf.put(kv[0], number(kv[1]));
    }
    int parallelism = ((Number) conf.getOrDefault(PARALLELISM, 2L)).intValue();
    conf.setNumAckers(parallelism);
    TopologyBuilder b = new TopologyBuilder();
    b.setSpout("sentences", new SentenceSpout(), parallelism);
    b.setBolt("split", new SplitBolt(), parallelism).shuffleGrouping("sentences");
    b.setBolt("count", new TestWordCounter(), parallelism).fieldsGrouping("split", new Fields("word"));
    System.out.println("SUBMITTING=" + System.currentTimeMillis());
    StormSubmitter.submitTopology(name, conf, b.createTopology());
    System.out.println("SUBMITTED=" + name);
  }

  private static Object number(String v) {
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      try {
        return Double.parseDouble(v);
      } catch (NumberFormatException e2) {
        return v;
      }
    }
  }

  /** Sentences from a fixed list, each with a message id. */
  public static final class SentenceSpout extends BaseRichSpout {
    private static final String[] SENTENCES = {
        "the cow jumped over the moon", "an apple a day keeps the doctor away",
        "four score and seven years ago", "snow white and the seven dwarfs", "i am at two with nature"};
    private SpoutOutputCollector collector;
    private long first;
    private long next;
    private double perSecond;
    private long startNanos;
    private java.nio.file.Path reportDir;
    private int task;
    private long acked;
    private long lastReport;

    @Override
    public void open(Map<String, Object> conf, TopologyContext context, SpoutOutputCollector collector) {
      this.collector = collector;
      this.first = context.getThisTaskId() * 1_000_000_000L;
      this.next = first;
      Object rate = conf.get(RATE);
      this.perSecond = rate == null ? 0 : ((Number) rate).doubleValue();
      this.startNanos = System.nanoTime();
      Object dir = conf.get(REPORT_DIR);
      this.reportDir = dir == null ? null : java.nio.file.Path.of(dir.toString());
      this.task = context.getThisTaskId();
    }

    @Override
    public void ack(Object msgId) {
      acked++;
      if (reportDir == null) {
        return;
      }
      long now = System.currentTimeMillis();
      if (acked == 1) {
        write("first-ack", Long.toString(now), false);
      }
      if (now - lastReport >= 1000) {
        lastReport = now;
        write("acked-" + task, acked + " " + now, true);
      }
    }

    /** Writes a small file in one step (a reader never sees half of it); the first ack only once. */
    private void write(String name, String text, boolean replace) {
      try {
        java.nio.file.Files.createDirectories(reportDir);
        java.nio.file.Path tmp = java.nio.file.Files.createTempFile(reportDir, name, ".tmp");
        java.nio.file.Files.writeString(tmp, text);
        if (replace) {
          java.nio.file.Files.move(tmp, reportDir.resolve(name), java.nio.file.StandardCopyOption.ATOMIC_MOVE,
              java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } else {
          try {
            java.nio.file.Files.createLink(reportDir.resolve(name), tmp);
          } catch (java.nio.file.FileAlreadyExistsException e) {
            // another spout task acked first
          }
          java.nio.file.Files.delete(tmp);
        }
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }

    @Override
    public void nextTuple() {
      if (perSecond > 0 && (next - first) > (System.nanoTime() - startNanos) / 1e9 * perSecond) {
        return; // ahead of the rate: Storm's wait strategy backs off
      }
      long id = next++;
      collector.emit(new Values(SENTENCES[(int) (id % SENTENCES.length)]), id);
    }

    @Override
    public void declareOutputFields(OutputFieldsDeclarer declarer) {
      declarer.declare(new Fields("sentence"));
    }
  }

  /** Sentence to words (anchored: a word's tuple is acked with its sentence). */
  public static final class SplitBolt extends BaseBasicBolt {
    @Override
    public void execute(Tuple input, BasicOutputCollector collector) {
      for (String w : input.getString(0).split(" ")) {
        collector.emit(new Values(w));
      }
    }

    @Override
    public void declareOutputFields(OutputFieldsDeclarer declarer) {
      declarer.declare(new Fields("word"));
    }
  }
}
