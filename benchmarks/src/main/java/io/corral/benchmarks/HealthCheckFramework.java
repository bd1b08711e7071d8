package io.corral.benchmarks;

import io.corral.common.resources.Resources;
import io.corral.common.task.TaskStates;
import io.corral.protocol.Filters;
import io.corral.protocol.FrameworkInfo;
import io.corral.protocol.HealthCheck;
import io.corral.protocol.Offer;
import io.corral.protocol.TaskInfo;
import io.corral.protocol.TaskState;
import io.corral.protocol.TaskStatus;
import io.corral.scheduler.CorralSchedulerDriver;
import io.corral.scheduler.OfferMatcher;
import io.corral.scheduler.ResourceRequest;
import io.corral.scheduler.Scheduler;
import io.corral.scheduler.SchedulerDriver;
import io.corral.scheduler.TaskInfos;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * The framework of {@link HealthCheckBenchmark}: launches {@code tasks} command tasks, each a tiny
 * HTTP server ({@link #SERVER}) on a port of its offer, spread evenly over the agents, each with the
 * health check {@code check} makes for its port (or none), and counts what it hears: tasks running,
 * tasks whose latest health is {@code healthy}, health changes to unhealthy, and tasks that ended.
 */
final class HealthCheckFramework implements Scheduler {
  /**
   * The task: an HTTP/1.1 server in Perl (perl-base, on every Debian machine; about 8 MB resident,
   * less than Python's 10 MB for the same loop, 15 MB for {@code python3 -m http.server}). One
   * connection at a time: it reads the request's head, answers {@code 200 ok} with {@code
   * Connection: close} (as {@code python3 -m http.server} does, so each check opens a connection),
   * and writes one byte to its stdout per answer, so the stdout's size counts the checks it
   * answered. {@code $ARGV[0]} is the port.
   */
  static final String SERVER = "use IO::Socket::INET; $SIG{PIPE} = 'IGNORE'; $| = 1;"
      + " my $s = IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => $ARGV[0], Listen => 128,"
      + " ReuseAddr => 1) or die \"cannot listen on port $ARGV[0]: $!\\n\";"
      + " while (my $c = $s->accept) { while (<$c>) { last if /^\\r?$/ }"
      + " print $c \"HTTP/1.1 200 OK\\r\\nContent-Type: text/plain\\r\\nContent-Length: 3\\r\\nConnection: close"
      + "\\r\\n\\r\\nok\\n\"; close $c; print '.' }";

  private static final ResourceRequest TASK = new ResourceRequest(Resources.parse("cpus:0.01;mem:16"), 1);
  private static final Filters LONG = Filters.newBuilder().setRefuseSeconds(3600).build();

  private final String name;
  private final int tasks;
  private final int perAgent;
  private final IntFunction<HealthCheck> check;
  private final AtomicInteger launched = new AtomicInteger();
  private final Map<String, Integer> perAgentLaunched = new ConcurrentHashMap<>();
  private final Set<String> ids = ConcurrentHashMap.newKeySet();
  private final Set<String> running = ConcurrentHashMap.newKeySet();
  private final Set<String> healthy = ConcurrentHashMap.newKeySet();
  private final Map<String, TaskStatus> ended = new ConcurrentHashMap<>();
  private final AtomicInteger becameUnhealthy = new AtomicInteger();
  private volatile CorralSchedulerDriver driver;

  /**
   * @param check the health check of a task serving on the given port; null: none
   * @param agents the agents to spread the tasks over
   */
  HealthCheckFramework(String name, int tasks, int agents, IntFunction<HealthCheck> check) {
    this.name = name;
    this.tasks = tasks;
    this.perAgent = (tasks + agents - 1) / agents;
    this.check = check;
  }

  void start(String master) {
    driver = new CorralSchedulerDriver(this, FrameworkInfo.newBuilder().setName(name).build(), master);
    driver.start();
  }

  @Override
  public void resourceOffers(SchedulerDriver d, List<Offer> offers) {
    for (Offer offer : offers) {
      int room = Math.min(tasks - launched.get(), perAgent - perAgentLaunched.getOrDefault(offer.getAgentId(), 0));
      Queue<Integer> wanted = new ArrayDeque<>();
      for (int i = 0; i < room; i++) {
        wanted.add(i);
      }
      List<OfferMatcher.Placed<Integer>> placed =
          OfferMatcher.match(List.of(offer), wanted, i -> TASK).get(0).placed();
      if (placed.isEmpty()) {
        d.declineOffer(offer.getId(), LONG);
        continue;
      }
      List<TaskInfo> infos = placed.stream().map(p -> task(offer, p.resources())).toList();
      perAgentLaunched.merge(offer.getAgentId(), infos.size(), Integer::sum);
      d.launchTasks(List.of(offer.getId()), infos, LONG);
    }
  }

  private TaskInfo task(Offer offer, Resources resources) {
    String id = name + "-" + launched.incrementAndGet();
    int port = (int) resources.ports().intervals().get(0)[0];
    TaskInfo.Builder t = TaskInfos.command(id, offer, resources,
        TaskInfos.argv(List.of("perl", "-e", SERVER, Integer.toString(port)), List.of())).toBuilder();
    if (check != null) {
      t.setHealthCheck(check.apply(port));
    }
    ids.add(id);
    return t.build();
  }

  @Override
  public void statusUpdate(SchedulerDriver d, TaskStatus status) {
    String id = status.getTaskId();
    if (status.getState() == TaskState.TASK_RUNNING) {
      running.add(id);
      if (status.hasHealthy() && status.getHealthy()) {
        healthy.add(id);
      } else if (status.hasHealthy()) {
        healthy.remove(id);
        becameUnhealthy.incrementAndGet();
      }
    } else if (TaskStates.isTerminal(status.getState())) {
      running.remove(id);
      healthy.remove(id);
      ended.put(id, status);
    }
  }

  int running() {
    return running.size();
  }

  int healthy() {
    return healthy.size();
  }

  /** Health updates that said unhealthy, so far. */
  int becameUnhealthy() {
    return becameUnhealthy.get();
  }

  /** How many ended, and the first end's state and message ("" if none did). */
  String ends() {
    return ended.values().stream().findFirst().map(s -> ended.size() + " ended, e.g. " + s.getState() + ": "
        + s.getMessage()).orElse("");
  }

  int endedCount() {
    return ended.size();
  }

  /** Kills every task launched. */
  void killAll() {
    ids.forEach(driver::killTask);
  }

  int launched() {
    return launched.get();
  }

  void stop() {
    driver.stop();
    driver.join();
  }
}
