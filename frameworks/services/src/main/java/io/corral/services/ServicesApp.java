package io.corral.services;

import io.corral.frameworks.common.FrameworkApp;
import io.corral.frameworks.common.FrameworkContext;
import io.corral.frameworks.common.FrameworkSettings;
import io.corral.frameworks.common.http.ErrorBody;
import io.corral.frameworks.common.http.EventStream;
import io.corral.frameworks.common.http.QueryParams;
import io.corral.http.Request;
import io.corral.http.Route;
import io.corral.http.auth.Authorizer;
import io.corral.scheduler.Scheduler;
import io.corral.services.api.MarathonApi;
import io.corral.services.api.ServicesInfo;
import io.corral.services.api.json.EventWriter;
import io.corral.services.app.ServicesEvent;
import io.corral.services.engine.EngineConfig;
import io.corral.services.engine.KeyValueEngineStore;
import io.corral.services.engine.ServicesEngine;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashSet;

/**
 * The services framework as a {@link FrameworkApp}: Marathon's API ({@link MarathonApi}) over the
 * engine ({@link ServicesEngine}) once this instance leads and has loaded the state, the engine's
 * events on {@code /v2/events} ({@link EventStream}), its state in the instance's store
 * ({@link StoreKeyValue}); under security, changes allowed by the ACLs' {@code manage_services}
 * ({@link AuthorizedBackend}). Everything else (serving, the election, the driver, the framework id) is
 * the {@link io.corral.frameworks.common.FrameworkInstance}'s.
 */
public final class ServicesApp implements FrameworkApp {
  /** How long an API request waits for the engine to take its command. */
  static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(10);

  private volatile LeaderBackend backend;
  private volatile EventStream events;
  private volatile ServicesEngine engine;

  @Override
  public Route api(FrameworkContext context) {
    FrameworkSettings s = context.settings();
    backend = new LeaderBackend(s.role());
    events = new EventStream(context.actor().loop(), EventStream.KEEP_ALIVE, EventStream.MAX_BUFFERED_BYTES);
    EventStream stream = events;
    Route eventsRoute = r -> stream.subscribe(r,
        new LinkedHashSet<>(QueryParams.parse(r.rawQuery()).all("event_type")));
    ServicesInfo info = info(context);
    Authorizer authorizer = new Authorizer(s.acls());
    if (!authorizer.enabled()) {
      return new MarathonApi(backend, info, COMMAND_TIMEOUT, eventsRoute);
    }
    LeaderBackend all = backend;
    return new MarathonApi(request -> new AuthorizedBackend(all, authorizer, request), info, COMMAND_TIMEOUT,
        eventsRoute);
  }

  /** What {@code /v2/info} says of this instance (the framework id and the leader come from the engine). */
  static ServicesInfo info(FrameworkContext context) {
    FrameworkSettings s = context.settings();
    URI self = URI.create(context.url());
    boolean https = "https".equals(self.getScheme());
    String zk = s.zk() == null ? null : "zk://" + s.zk().connectString() + s.zk().path();
    return new ServicesInfo("corral-services", version(), s.master(), zk, s.frameworkName(), s.role(), null,
        s.advertiseHost(), https ? 0 : self.getPort(), https ? self.getPort() : 0, context.url());
  }

  private static String version() {
    String v = ServicesApp.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  @Override
  public Scheduler recover(FrameworkContext context) {
    EventStream stream = events;
    StoreKeyValue kv = new StoreKeyValue(context.store(), context.stateFailed());
    engine = ServicesEngine.recover(context.actor(), EngineConfig.defaults(context.settings().role(), context.url()),
        new KeyValueEngineStore(kv), e -> publish(stream, e), context.settings().frameworkInfo());
    backend.recovered(engine.backend());
    return engine.scheduler();
  }

  /** An event to the stream's clients; written as JSON only when someone listens (a deployment's carry its apps). */
  private static void publish(EventStream stream, ServicesEvent event) {
    if (stream.subscribers() > 0) {
      stream.publishJson(event.type(), EventWriter.bytes(event));
    }
  }

  @Override
  public ErrorBody errors() {
    return ErrorBody.MESSAGE;
  }

  @Override
  public String leaderHeader() {
    return "X-Marathon-Leader";
  }

  /** {@code GET /ping}, as Marathon's instances answered it each for itself (a load balancer's health check). */
  @Override
  public boolean servedByEveryInstance(Request request) {
    return "GET".equals(request.method()) && "/ping".equals(request.rawPath());
  }

  @Override
  public void close() {
    if (engine != null) {
      engine.close();
    }
    if (events != null) {
      events.close();
    }
  }
}
