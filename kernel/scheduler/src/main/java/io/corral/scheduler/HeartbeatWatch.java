package io.corral.scheduler;

import io.corral.common.loop.EventLoop;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * Notices a master that fell silent: once every heartbeat interval it looks whether anything came
 * from the master since it last looked, and after {@code allowed} intervals in a row without a word
 * it calls {@code silent} (with how long the master has been quiet at least). Intervals are counted
 * on the loop's timers; no clock is read. Loop-owned.
 */
final class HeartbeatWatch {
  private final EventLoop loop;
  private final int allowed;
  private final Consumer<Duration> silent;
  private EventLoop.Cancellable timer;
  private boolean heard;
  private int missed;

  HeartbeatWatch(EventLoop loop, int allowed, Consumer<Duration> silent) {
    this.loop = loop;
    this.allowed = allowed;
    this.silent = silent;
  }

  /** (Re)starts watching, one look every {@code interval}: the master was just heard from. */
  void start(Duration interval) {
    stop();
    heard = false;
    missed = 0;
    // A fixed delay: after a stall of the loop, the events that queued up count before the next
    // look (catch-up looks at a fixed rate would see none and reconnect for nothing).
    timer = loop.scheduleWithFixedDelay(interval, () -> look(interval));
  }

  /** Something (an event, a heartbeat) came from the master. */
  void heard() {
    heard = true;
  }

  void stop() {
    if (timer != null) {
      timer.cancel();
      timer = null;
    }
  }

  private void look(Duration interval) {
    if (heard) {
      heard = false;
      missed = 0;
      return;
    }
    if (++missed >= allowed) {
      missed = 0;
      silent.accept(interval.multipliedBy(allowed));
    }
  }
}
