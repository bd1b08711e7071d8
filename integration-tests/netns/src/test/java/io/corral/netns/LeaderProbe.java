package io.corral.netns;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A client that asks every master, over and over, for something only a leader answers (the
 * operator API: a standby redirects to the leader or answers 503), and keeps every answer with the
 * moments it was asked and answered. Two masters that both answered, the old leader after the new
 * one, is a split brain: clients of each act on a different cluster.
 */
final class LeaderProbe implements AutoCloseable {
  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2))
      .followRedirects(HttpClient.Redirect.NEVER).build();

  /** One call: to {@code master}, sent and answered at these nanoTimes; {@code status} 0 if none came. */
  record Call(Host master, long sent, long answered, int status) {
    boolean accepted() {
      return status == 200;
    }
  }

  private final List<Call> calls = new CopyOnWriteArrayList<>();
  private final List<Thread> threads = new ArrayList<>();
  private volatile boolean running = true;

  /** Starts one caller per master, each calling every {@code interval}. */
  LeaderProbe(List<Host> masters, Duration interval) {
    for (Host m : masters) {
      Thread t = new Thread(() -> callRepeatedly(m, interval), "probe-" + m.name());
      t.setDaemon(true);
      t.start();
      threads.add(t);
    }
  }

  private void callRepeatedly(Host master, Duration interval) {
    HttpRequest request = HttpRequest.newBuilder(URI.create(MultiHostCluster.httpUrl(master) + "api/v1/agents"))
        .timeout(Duration.ofSeconds(2)).GET().build();
    while (running) {
      long sent = System.nanoTime();
      int status;
      try {
        status = CLIENT.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
      } catch (IOException e) {
        status = 0;
      } catch (InterruptedException e) {
        return;
      }
      calls.add(new Call(master, sent, System.nanoTime(), status));
      long next = sent + interval.toNanos();
      while (running && System.nanoTime() < next) {
        java.util.concurrent.locks.LockSupport.parkNanos(next - System.nanoTime()); // pacing, not synchronisation
      }
    }
  }

  List<Call> calls() {
    return List.copyOf(calls);
  }

  /**
   * The calls that show two leaders at once: a call that master Y accepted while some master X had
   * accepted one before it and accepts another after it. (This rules out a leadership that comes
   * back to X after Y, which the cases here do not do while probing.)
   */
  List<String> splitBrain() {
    List<String> out = new ArrayList<>();
    List<Call> accepted = calls().stream().filter(Call::accepted).toList();
    for (Call y : accepted) {
      for (Host x : accepted.stream().map(Call::master).filter(m -> !m.equals(y.master())).distinct().toList()) {
        Call before = accepted.stream().filter(c -> c.master().equals(x) && c.answered() < y.sent()).findFirst().orElse(null);
        Call after = accepted.stream().filter(c -> c.master().equals(x) && c.sent() > y.answered()).findFirst().orElse(null);
        if (before != null && after != null && out.size() < 10) {
          out.add(y.master().name() + " accepted a call at " + ms(y.sent()) + " while " + x.name()
              + " accepted calls at " + ms(before.sent()) + " and " + ms(after.sent()));
        }
      }
    }
    return out;
  }

  private long start() {
    return calls().stream().mapToLong(Call::sent).min().orElse(0);
  }

  private String ms(long nanos) {
    return (nanos - start()) / 1_000_000 + " ms";
  }

  /** Which master accepted calls when: "master-1 0..5230 ms, master-2 6012..9000 ms". */
  String timeline() {
    StringBuilder b = new StringBuilder();
    Host current = null;
    long from = 0;
    long last = 0;
    for (Call c : calls().stream().filter(Call::accepted).sorted(Comparator.comparingLong(Call::sent)).toList()) {
      if (!c.master().equals(current)) {
        if (current != null) {
          b.append(current.name()).append(' ').append(ms(from)).append("..").append(ms(last)).append(", ");
        }
        current = c.master();
        from = c.sent();
      }
      last = c.answered();
    }
    if (current != null) {
      b.append(current.name()).append(' ').append(ms(from)).append("..").append(ms(last));
    }
    return b.toString();
  }

  @Override
  public void close() {
    running = false;
    for (Thread t : threads) {
      t.interrupt();
    }
  }
}
