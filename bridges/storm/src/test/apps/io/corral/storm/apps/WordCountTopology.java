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

    @Override
    public void open(Map<String, Object> conf, TopologyContext context, SpoutOutputCollector collector) {
      this.collector = collector;
      this.first = context.getThisTaskId() * 1_000_000_000L;
      this.next = first;
      Object rate = conf.get(RATE);
      this.perSecond = rate == null ? 0 : ((Number) rate).doubleValue();
      this.startNanos = System.nanoTime();
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
