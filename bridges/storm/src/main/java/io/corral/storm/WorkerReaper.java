package io.corral.storm;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends the worker processes Storm's Supervisor has lost track of. Storm 2.8's Supervisor kills a
 * slot's worker by the pids the worker wrote; when the slot's assignment changes again while a worker
 * JVM is still starting (before it wrote its pid), the Supervisor finds "all processes dead", moves
 * on and starts the next worker on the same port, while the first keeps running: it holds the port,
 * so every later worker of that slot fails to start, Nimbus reschedules, and the topology churns
 * (seen in a busy test run after a Supervisor was lost). Storm never means two workers on one port,
 * so when two of this Supervisor's workers have had the same port for two checks in a row, all but
 * the newest are killed.
 */
final class WorkerReaper {
  private static final Logger LOG = LoggerFactory.getLogger(WorkerReaper.class);
  private static final String WORKER_CLASS = "org.apache.storm.daemon.worker.Worker";
  static final Duration INTERVAL = Duration.ofSeconds(2);

  /** A worker process: the port and worker id on its command line, and when it started. */
  record Worker(long pid, int port, String workerId, Instant started) {}

  private Set<Long> suspects = Set.of();

  /** Checks this JVM's workers every {@link #INTERVAL}, on a daemon thread. */
  static void start() {
    WorkerReaper reaper = new WorkerReaper();
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "corral-storm-worker-reaper");
      t.setDaemon(true);
      return t;
    });
    timer.scheduleWithFixedDelay(reaper::check, INTERVAL.toMillis(), INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void check() {
    try {
      List<Worker> workers = new ArrayList<>();
      Map<Long, ProcessHandle> handles = new LinkedHashMap<>();
      ProcessHandle.current().descendants().forEach(p -> parse(p).ifPresent(w -> {
        workers.add(w);
        handles.put(w.pid(), p);
      }));
      for (Worker w : confirmed(workers)) {
        ProcessHandle p = handles.get(w.pid());
        LOG.warn("killing worker {} (pid {}, port {}): Storm's Supervisor lost track of it, and a newer worker needs"
            + " its port", w.workerId(), w.pid(), w.port());
        p.destroyForcibly();
      }
    } catch (RuntimeException e) {
      LOG.warn("could not check this Supervisor's workers: {}", e.toString());
    }
  }

  /** The workers to kill now: those {@link #superseded} now that were already last time. */
  List<Worker> confirmed(List<Worker> workers) {
    List<Worker> now = superseded(workers);
    Set<Long> pids = new HashSet<>();
    List<Worker> out = new ArrayList<>();
    for (Worker w : now) {
      pids.add(w.pid());
      if (suspects.contains(w.pid())) {
        out.add(w);
      }
    }
    suspects = pids;
    return out;
  }

  /** Of the workers sharing a port, all but the newest. */
  static List<Worker> superseded(List<Worker> workers) {
    Map<Integer, List<Worker>> byPort = new LinkedHashMap<>();
    workers.forEach(w -> byPort.computeIfAbsent(w.port(), p -> new ArrayList<>()).add(w));
    List<Worker> out = new ArrayList<>();
    for (List<Worker> onPort : byPort.values()) {
      if (onPort.size() > 1) {
        onPort.sort(Comparator.comparing(Worker::started));
        out.addAll(onPort.subList(0, onPort.size() - 1));
      }
    }
    return out;
  }

  /**
   * A worker JVM's command line: {@code ... org.apache.storm.daemon.worker.Worker <topology> <supervisor id>
   * <supervisor port> <port> <worker id>} (not its LogWriter's, which holds the worker's command too).
   */
  static Optional<Worker> parse(long pid, List<String> argv, Instant started) {
    int i = argv.indexOf(WORKER_CLASS);
    if (i < 0 || i + 5 >= argv.size() || argv.contains("org.apache.storm.LogWriter")) {
      return Optional.empty();
    }
    try {
      return Optional.of(new Worker(pid, Integer.parseInt(argv.get(i + 4)), argv.get(i + 5), started));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static Optional<Worker> parse(ProcessHandle p) {
    ProcessHandle.Info info = p.info();
    Optional<String[]> args = info.arguments();
    Optional<Instant> started = info.startInstant();
    if (args.isEmpty() || started.isEmpty()) {
      return Optional.empty();
    }
    List<String> argv = new ArrayList<>();
    info.command().ifPresent(argv::add);
    argv.addAll(List.of(args.get()));
    return parse(p.pid(), argv, started.get());
  }
}
