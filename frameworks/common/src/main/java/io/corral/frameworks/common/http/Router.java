package io.corral.frameworks.common.http;

import io.corral.http.ApiException;
import io.corral.http.HttpIo;
import io.corral.http.Request;
import io.corral.http.Response;
import io.corral.http.Route;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A REST API's routes: a method and a {@link PathPattern path pattern} each. As in JAX-RS (and so in
 * Marathon and Chronos), the most specific pattern that matches a request's path names its resource,
 * and that resource serves the method or answers 405 naming the methods it takes in {@code Allow}:
 * {@code GET /v2/apps/eng/restart} is a 405 (only POST restarts), not a read of an app whose id ends
 * in {@code restart}. {@code HEAD} is served as {@code GET}, without the body; a path no pattern
 * matches is a 404. Refusals ({@link ApiException}), the exceptions a
 * framework maps ({@link Builder#exception}) and failures are answered in the API's own
 * {@link ErrorBody} shape.
 */
public final class Router implements Route {
  private static final Logger LOG = LoggerFactory.getLogger(Router.class);

  /** Answers a request that a route's pattern matched. */
  @FunctionalInterface
  public interface Handler {
    Response handle(Request request, PathParams params) throws IOException;
  }

  private record Entry(String method, PathPattern pattern, Handler handler) {}

  private record Mapper<E extends Exception>(Class<E> type, Function<? super E, Response> answer) {
    Optional<Response> apply(Exception t) {
      return type.isInstance(t) ? Optional.of(answer.apply(type.cast(t))) : Optional.empty();
    }
  }

  private final List<Entry> entries;
  private final ErrorBody errors;
  private final List<Mapper<?>> mappers;

  private Router(List<Entry> entries, ErrorBody errors, List<Mapper<?>> mappers) {
    this.entries = entries;
    this.errors = errors;
    this.mappers = mappers;
  }

  public static Builder builder(ErrorBody errors) {
    return new Builder(errors);
  }

  @Override
  public Response handle(Request request) {
    try {
      return route(request);
    } catch (IOException | RuntimeException e) {
      return answer(e, request);
    }
  }

  private Response route(Request request) throws IOException {
    List<String> segments = HttpIo.segments(request.rawPath());
    String method = request.method().equals("HEAD") ? "GET" : request.method();
    TreeSet<String> allowed = new TreeSet<>();
    int specificity = Integer.MIN_VALUE;
    for (Entry e : entries) { // most specific first
      if (e.pattern().specificity() < specificity) {
        break;
      }
      Optional<Map<String, String>> params = e.pattern().match(segments);
      if (params.isEmpty()) {
        continue;
      }
      specificity = e.pattern().specificity();
      if (e.method().equals(method)) {
        return e.handler().handle(request, new PathParams(params.get()));
      }
      allowed.add(e.method());
    }
    if (allowed.isEmpty()) {
      throw ApiException.notFound("no such resource: " + request.rawPath());
    }
    if (allowed.contains("GET")) {
      allowed.add("HEAD");
    }
    String allow = String.join(", ", allowed);
    throw new ApiException(405, "method " + request.method() + " is not allowed on " + request.rawPath() + "; use "
        + allow).withHeader("Allow", allow);
  }

  private Response answer(Exception t, Request request) {
    for (Mapper<?> m : mappers) {
      Optional<Response> r = m.apply(t);
      if (r.isPresent()) {
        return r.get();
      }
    }
    if (t instanceof ApiException e) {
      Response r = errors.render(e.status(), e.getMessage());
      for (Map.Entry<String, String> h : e.headers().entrySet()) {
        r = r.withHeader(h.getKey(), h.getValue());
      }
      return r;
    }
    LOG.warn("HTTP {} from {} failed", request, request.remote(), t);
    return errors.render(500, "internal error: " + t);
  }

  /** Routes in any order (the most specific pattern wins), then {@link #build}. */
  public static final class Builder {
    private final ErrorBody errors;
    private final List<Entry> entries = new ArrayList<>();
    private final List<Mapper<?>> mappers = new ArrayList<>();
    private final Map<String, String> seen = new LinkedHashMap<>();

    private Builder(ErrorBody errors) {
      this.errors = errors;
    }

    /** Serves {@code method} on {@code pattern}; one handler per method and pattern. */
    public Builder route(String method, String pattern, Handler handler) {
      PathPattern p = PathPattern.parse(pattern);
      String shape = method + " " + p.parts().stream().map(part -> part instanceof PathPattern.Param param
          ? (param.greedy() ? "{*}" : "{}") : ((PathPattern.Literal) part).text()).toList();
      if (seen.put(shape, pattern) != null) {
        throw new IllegalArgumentException("two routes for " + method + " " + pattern);
      }
      entries.add(new Entry(method, p, handler));
      return this;
    }

    public Builder get(String pattern, Handler handler) {
      return route("GET", pattern, handler);
    }

    public Builder post(String pattern, Handler handler) {
      return route("POST", pattern, handler);
    }

    public Builder put(String pattern, Handler handler) {
      return route("PUT", pattern, handler);
    }

    public Builder patch(String pattern, Handler handler) {
      return route("PATCH", pattern, handler);
    }

    public Builder delete(String pattern, Handler handler) {
      return route("DELETE", pattern, handler);
    }

    /** Answers a handler's {@code type} exceptions with {@code answer} (the first mapping that fits wins). */
    public <E extends Exception> Builder exception(Class<E> type, Function<? super E, Response> answer) {
      mappers.add(new Mapper<>(type, answer));
      return this;
    }

    public Router build() {
      List<Entry> sorted = new ArrayList<>(entries);
      sorted.sort(Comparator.comparingInt((Entry e) -> -e.pattern().specificity()));
      return new Router(List.copyOf(sorted), errors, List.copyOf(mappers));
    }
  }
}
