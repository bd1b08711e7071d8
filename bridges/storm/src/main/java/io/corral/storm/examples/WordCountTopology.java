package io.corral.storm.examples;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;
import org.apache.storm.Config;
import org.apache.storm.StormSubmitter;
import org.apache.storm.generated.ExecutorSummary;
import org.apache.storm.generated.KillOptions;
import org.apache.storm.generated.Nimbus;
import org.apache.storm.generated.TopologyInfo;
import org.apache.storm.generated.TopologySummary;
import org.apache.storm.spout.SpoutOutputCollector;
import org.apache.storm.task.TopologyContext;
import org.apache.storm.topology.BasicOutputCollector;
import org.apache.storm.topology.OutputFieldsDeclarer;
import org.apache.storm.topology.TopologyBuilder;
import org.apache.storm.topology.base.BaseBasicBolt;
import org.apache.storm.topology.base.BaseRichSpout;
import org.apache.storm.tuple.Fields;
import org.apache.storm.tuple.Tuple;
import org.apache.storm.tuple.Values;
import org.apache.storm.utils.NimbusClient;
import org.apache.storm.utils.Utils;

/**
 * A word count topology that submits itself, waits until its spouts had {@code acked} sentences
 * acknowledged (each sentence is tracked through the split and count bolts), then kills itself:
 * what {@code corral demo} runs, the way {@code storm jar} runs a topology's main:
 *
 * <pre>
 * storm jar bridges/storm/corral-storm.jar io.corral.storm.examples.WordCountTopology &lt;name&gt; [acked] [seconds] [rate]
 * </pre>
 *
 * <p>Prints {@code submitted: <name> <id>}, {@code acked: <n> sentences on <host:port ...>} and
 * {@code killed: <name>}; exits 1 if the sentences were not acked within {@code seconds} (default 300). The
 * spout emits at most {@code rate} sentences a second (default 500).
 */
public final class WordCountTopology {
  private WordCountTopology() {}

  public static void main(String[] args) throws Exception {
    String name = args.length > 0 ? args[0] : "corral-demo-wordcount";
    long target = args.length > 1 ? Long.parseLong(args[1]) : 2000;
    long seconds = args.length > 2 ? Long.parseLong(args[2]) : 300;
    double perSecond = args.length > 3 ? Double.parseDouble(args[3]) : 500;
    Config conf = new Config();
    conf.setNumWorkers(1);
    conf.setNumAckers(1);
    conf.setMaxSpoutPending(200);
    // Executors' statistics reach Nimbus every 5 s (Storm: 60), so that this main sees the acks soon.
    conf.put("executor.metrics.frequency.secs", 5);
    TopologyBuilder b = new TopologyBuilder();
    b.setSpout("sentences", new SentenceSpout(perSecond), 1);
    b.setBolt("split", new SplitBolt(), 2).shuffleGrouping("sentences");
    b.setBolt("count", new CountBolt(), 2).fieldsGrouping("split", new Fields("word"));
    StormSubmitter.submitTopology(name, conf, b.createTopology());
    Map<String, Object> client = new HashMap<>(Utils.readStormConfig());
    try (NimbusClient nimbus = NimbusClient.Builder.withConf(client).build()) {
      Nimbus.Iface n = nimbus.getClient();
      String id = n.getClusterInfo().get_topologies().stream().filter(t -> t.get_name().equals(name))
          .map(TopologySummary::get_id).findFirst().orElseThrow(() -> new IllegalStateException("not listed: " + name));
      System.out.println("submitted: " + name + " " + id);
      long deadline = System.nanoTime() + seconds * 1_000_000_000L;
      long start = System.nanoTime();
      long acked = 0;
      TreeSet<String> workers = new TreeSet<>();
      while (acked < target && System.nanoTime() < deadline) {
        Thread.sleep(1000); // polling Nimbus's statistics, as `storm list` would
        TopologyInfo info = n.getTopologyInfo(id);
        long now = acked(info);
        for (ExecutorSummary e : info.get_executors()) {
          workers.add(e.get_host() + ":" + e.get_port());
        }
        if (now != acked || info.get_executors_size() == 0) {
          System.out.printf("progress: %.0f s: %d acked, %d executors on %s%n", (System.nanoTime() - start) / 1e9,
              now, info.get_executors_size(), workers);
        }
        acked = now;
      }
      System.out.println("acked: " + acked + " sentences on " + String.join(" ", workers));
      KillOptions now = new KillOptions();
      now.set_wait_secs(0);
      n.killTopologyWithOpts(name, now);
      while (System.nanoTime() < deadline + 60_000_000_000L
          && n.getClusterInfo().get_topologies().stream().anyMatch(t -> t.get_name().equals(name))) {
        Thread.sleep(500);
      }
      System.out.println("killed: " + name);
      System.exit(acked >= target ? 0 : 1);
    }
  }

  /** Sentences the spouts had acked, all time, as Nimbus's statistics say. */
  public static long acked(TopologyInfo info) {
    long sum = 0;
    for (ExecutorSummary e : info.get_executors()) {
      if (e.is_set_stats() && e.get_stats().get_specific().is_set_spout()) {
        Map<String, Long> all = e.get_stats().get_specific().get_spout().get_acked().get(":all-time");
        if (all != null) {
          sum += all.values().stream().mapToLong(Long::longValue).sum();
        }
      }
    }
    return sum;
  }

  /** Sentences from a fixed list, each with a message id, so Storm tracks and acks it; at most {@code perSecond}. */
  public static final class SentenceSpout extends BaseRichSpout {
    private static final String[] SENTENCES = {
        "the cow jumped over the moon", "an apple a day keeps the doctor away",
        "four score and seven years ago", "snow white and the seven dwarfs", "i am at two with nature"};
    private final double perSecond;
    private SpoutOutputCollector collector;
    private long next;
    private long startNanos;

    SentenceSpout(double perSecond) {
      this.perSecond = perSecond;
    }

    @Override
    public void open(Map<String, Object> conf, TopologyContext context, SpoutOutputCollector collector) {
      this.collector = collector;
      this.startNanos = System.nanoTime();
    }

    @Override
    public void nextTuple() {
      if (next > (System.nanoTime() - startNanos) / 1e9 * perSecond) {
        return; // ahead of the rate: Storm's spout wait strategy backs off
      }
      long id = next++;
      collector.emit(new Values(SENTENCES[(int) (id % SENTENCES.length)]), id);
    }

    @Override
    public void declareOutputFields(OutputFieldsDeclarer declarer) {
      declarer.declare(new Fields("sentence"));
    }
  }

  /** Sentence to words (anchored: each word is acked with its sentence). */
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

  /** Counts each word (fields grouping: one bolt task sees all of a word). */
  public static final class CountBolt extends BaseBasicBolt {
    private final Map<String, Long> counts = new HashMap<>();

    @Override
    public void execute(Tuple input, BasicOutputCollector collector) {
      String w = input.getString(0);
      collector.emit(new Values(w, counts.merge(w, 1L, Long::sum)));
    }

    @Override
    public void declareOutputFields(OutputFieldsDeclarer declarer) {
      declarer.declare(new Fields("word", "count"));
    }
  }
}
