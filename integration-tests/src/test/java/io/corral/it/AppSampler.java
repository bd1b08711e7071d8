package io.corral.it;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Samples an app every 200 ms on a thread of its own: its healthy count and task ids by the services'
 * API, and its tasks not ended at the master. {@link #drain} hands over the samples taken since its
 * last call.
 */
final class AppSampler implements AutoCloseable {
  /** One look at the app. */
  record Sample(int healthy, Set<String> ids, int atMaster) {}

  private final List<Sample> samples = new CopyOnWriteArrayList<>();
  private final Thread thread;
  private volatile boolean running = true;
  private volatile Throwable failure;

  AppSampler(MarathonClient api, ServicesCluster cluster, String appId) {
    String prefix = MarathonApps.taskPrefix(appId);
    thread = new Thread(() -> {
      while (running) {
        try {
          JsonNode app = api.app(appId).orElseThrow();
          int atMaster = cluster.tasksAtMaster(prefix).size();
          samples.add(new Sample(app.get("tasksHealthy").asInt(), MarathonApps.ids(app), atMaster));
          Thread.sleep(200); // the sampling period
        } catch (InterruptedException e) {
          return;
        } catch (Throwable e) {
          failure = e;
          return;
        }
      }
    }, "sampler-" + appId);
    thread.setDaemon(true);
    thread.start();
  }

  /** The samples since the last call (or the start), one more taken from now on among them. */
  List<Sample> drain() {
    int seen = samples.size();
    await().atMost(Duration.ofSeconds(30)).until(() -> failure != null || samples.size() > seen);
    if (failure != null) {
      throw new AssertionError("sampling failed", failure);
    }
    List<Sample> out = List.copyOf(samples);
    samples.removeAll(out);
    return out;
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    thread.interrupt();
    thread.join(10_000);
  }
}
