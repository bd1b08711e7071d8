package io.corral.benchmarks;

import io.corral.master.Master;
import io.corral.master.MasterConfig;
import io.corral.master.core.MasterMetrics;
import io.corral.master.lifecycle.ExitCodes;
import java.time.Duration;

/**
 * A master in an election, alone in its JVM, for {@link FailoverBenchmark}. It is what
 * {@code corral master --zk} runs, with the benchmark's settings, and it reports on standard
 * output:
 *
 * <ul>
 *   <li>{@code MASTER <host:port> <leader|standby>} once started;
 *   <li>{@code PHASE <phase> <epoch millis>} on every phase change (RECOVERING is printed once
 *       the elected master serves and has read the registry; ACTIVE once every agent of the
 *       registry is back);
 *   <li>{@code HEAP <used> <committed>} (after two full collections) when sent {@code heap};
 *   <li>{@code STATS <agents registered> <agents re-registered> <frameworks subscribed>} when
 *       sent {@code stats}.
 * </ul>
 *
 * SIGTERM closes the master as {@code corral master} does (its ZooKeeper session is closed, so
 * its latch node goes at once); SIGKILL leaves the session to expire. It exits with the master's
 * exit code when the master ends by itself, and when its standard input ends.
 *
 * <pre>
 * java -cp ... io.corral.benchmarks.FailoverMaster zk://host:port/path sessionTimeoutMillis
 * </pre>
 */
public final class FailoverMaster {
  private FailoverMaster() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      System.err.println("usage: FailoverMaster zk://host:port/path sessionTimeoutMillis");
      System.exit(2);
    }
    MasterConfig config = MasterConfig.builder().port(0).zk(args[0])
        .zkSessionTimeout(Duration.ofMillis(Long.parseLong(args[1]))).build();
    Master master = new Master(config);
    master.onPhaseChange(phase -> print("PHASE " + phase + " " + System.currentTimeMillis()));
    Runtime.getRuntime().addShutdownHook(new Thread(master::close, "failover-master-shutdown"));
    master.terminated().thenAccept(code -> {
      if (code != ExitCodes.STOPPED) { // stopped: the shutdown hook is still closing the master
        System.out.flush();
        Runtime.getRuntime().halt(code);
      }
    });
    master.start();
    print("MASTER " + master.address() + " " + (master.isLeading() ? "leader" : "standby"));
    MasterConsole.serve(() -> {
      MasterMetrics m = master.metrics();
      return m.agentsRegistered.get() + " " + m.agentsReregistered.get() + " " + m.frameworksSubscribed.get();
    }, FailoverMaster::print);
    master.close();
    System.exit(0);
  }

  private static synchronized void print(String line) {
    System.out.println(line);
    System.out.flush();
  }
}
