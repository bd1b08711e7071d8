package io.corral.http.server;

import io.corral.http.ApiException;
import io.corral.http.Request;
import io.corral.http.Response;
import io.corral.http.Route;
import io.corral.http.auth.HttpAuthenticator;
import java.io.IOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs requests on a bounded pool of worker threads, the blocking side of a server (routes wait on
 * a daemon's loop, read files, call agents): authentication first (except {@code /health}), then
 * the route; refusals and failures become JSON answers. When every worker is busy and the queue is
 * full a request is answered 503 at once instead of waiting without end.
 */
final class Dispatcher {
  private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);

  private final Route route;
  private final HttpAuthenticator authenticator;
  private final ThreadPoolExecutor workers;

  /** @param authenticator null: no authentication (plain HTTP) */
  Dispatcher(String name, int threads, int queued, Route route, HttpAuthenticator authenticator) {
    this.route = route;
    this.authenticator = authenticator;
    AtomicInteger n = new AtomicInteger();
    this.workers = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(queued), r -> {
          Thread t = new Thread(r, name + "-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
    workers.allowCoreThreadTimeOut(true);
  }

  /** Answers {@code request} on a worker, or at once (503) if none can take it; {@code answer} gets the response. */
  void dispatch(Request request, Consumer<Response> answer) {
    try {
      workers.execute(() -> answer.accept(answer(request)));
    } catch (RejectedExecutionException e) {
      answer.accept(Response.error(503, "the server is busy (" + workers.getActiveCount() + " requests under way, "
          + workers.getQueue().size() + " waiting); try again").withHeader("Retry-After", "1"));
    }
  }

  private Response answer(Request request) {
    try {
      Request r = authenticator == null || request.rawPath().equals("/health") ? request
          : request.withIdentity(authenticator.authenticate(request));
      return route.handle(r);
    } catch (ApiException e) {
      return Response.of(e);
    } catch (IOException | RuntimeException e) {
      LOG.warn("HTTP {} from {} failed", request, request.remote(), e);
      return Response.error(500, "internal error: " + e);
    }
  }

  void shutdown() {
    workers.shutdownNow();
  }
}
