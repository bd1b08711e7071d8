package io.corral.frameworks.common;

import io.corral.frameworks.common.http.ErrorBody;
import io.corral.http.Request;
import io.corral.http.Route;
import io.corral.scheduler.Scheduler;
import java.io.IOException;

/**
 * What a built-in framework (services, cron) brings to a {@link FrameworkInstance}: its API and,
 * once its instance is elected, its scheduler on its recovered state. Everything else (the HTTP
 * server, the election, the state store, the master's driver, passing requests to the leader, the
 * life cycle and its exit codes) is the instance's.
 *
 * <p>Threads: {@link #recover} and the scheduler's callbacks run on the instance's
 * {@link io.corral.bridges.common.FrameworkActor FrameworkActor} loop (the one owner of the
 * framework's state); the API's routes run on the HTTP server's workers and hand their work to that
 * loop ({@code context.actor().submit(...)}).
 */
public interface FrameworkApp extends AutoCloseable {
  /**
   * The API as the leader serves it (a standby passes requests on to the leader). Called once,
   * before the election, on the starting thread.
   */
  Route api(FrameworkContext context);

  /**
   * This instance was elected: load the state from {@code context.store()} and answer the scheduler
   * to subscribe with (as the framework whose id the store keeps, so its tasks are taken over).
   * On the loop. A failure ends the instance ({@link ExitCodes#STATE_FAILED}).
   */
  Scheduler recover(FrameworkContext context) throws IOException;

  /** The shape of the instance's own errors, such as 503 while no leader is known (default: the kernel's). */
  default ErrorBody errors() {
    return ErrorBody.CORRAL;
  }

  /** The response header that names the leader in its answers (Marathon's {@code X-Marathon-Leader}); null: none. */
  default String leaderHeader() {
    return null;
  }

  /** Requests every instance answers itself rather than the leader (say, {@code GET /ping}); default none. */
  default boolean servedByEveryInstance(Request request) {
    return false;
  }

  /** The instance stops (before its HTTP server does): end event streams, timers. Default: nothing. */
  @Override
  default void close() {}
}
