package io.corral.it;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Watches the master's state every 200 ms on a thread of its own, for the tasks whose ids start with
 * a prefix (one app's): those not ended now, the most at once, every one seen, and those that ended.
 */
final class MasterTaskWatch implements AutoCloseable {
  private final Set<String> seen = ConcurrentHashMap.newKeySet();
  private final Set<String> ended = ConcurrentHashMap.newKeySet();
  private volatile List<String> running = List.of();
  private volatile int maxRunning;
  private volatile Throwable failure;
  private volatile boolean stop;
  private final Thread thread;

  MasterTaskWatch(ServicesCluster cluster, String prefix) {
    thread = new Thread(() -> {
      while (!stop) {
        try {
          JsonNode state = cluster.masterState();
          List<String> now = new ArrayList<>();
          for (JsonNode t : state.path("tasks")) {
            String id = t.get("id").asText();
            if (id.startsWith(prefix)) {
              seen.add(id);
              if (MarathonApps.terminal(t.get("state").asText())) {
                ended.add(id);
              } else {
                now.add(id);
              }
            }
          }
          for (JsonNode t : state.path("completed_tasks")) {
            String id = t.get("id").asText();
            if (id.startsWith(prefix)) {
              seen.add(id);
              ended.add(id);
            }
          }
          running = now;
          maxRunning = Math.max(maxRunning, now.size());
          Thread.sleep(200); // the sampling period
        } catch (InterruptedException e) {
          return;
        } catch (Throwable e) {
          failure = e;
          return;
        }
      }
    }, "master-watch-" + prefix);
    thread.setDaemon(true);
    thread.start();
  }

  private void check() {
    if (failure != null) {
      throw new AssertionError("watching the master failed", failure);
    }
  }

  List<String> running() {
    check();
    return running;
  }

  int maxRunning() {
    check();
    return maxRunning;
  }

  Set<String> seen() {
    check();
    return Set.copyOf(seen);
  }

  Set<String> ended() {
    check();
    return Set.copyOf(ended);
  }

  @Override
  public void close() throws InterruptedException {
    stop = true;
    thread.interrupt();
    thread.join(10_000);
  }
}
