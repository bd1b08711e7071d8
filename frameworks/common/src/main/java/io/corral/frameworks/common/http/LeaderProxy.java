package io.corral.frameworks.common.http;

import io.corral.common.security.Identity;
import io.corral.frameworks.common.election.Leadership;
import io.corral.http.Request;
import io.corral.http.Response;
import io.corral.http.Route;
import io.corral.http.auth.HttpAuthenticator;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Flow;
import java.util.function.Predicate;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A framework's API on every instance, as Marathon served it: the leader answers itself (naming
 * itself in the leader header, Marathon's {@code X-Marathon-Leader}); a standby passes the request
 * on to the leader (method, path, query, body and headers, less the hop-by-hop ones, with
 * {@code Via} and {@code X-Forwarded-For}) and the leader's answer back as it comes, streamed: a
 * download or a stream of server-sent events passes through without being held (a redirect would
 * do for browsers, but the peers' clients, {@code curl} among them, do not all follow one, and
 * Marathon proxied its event stream too). With no leader known, or a loop of proxies, a one-line
 * error in the API's shape: 503 (with {@code Retry-After}) or 502.
 *
 * <p>Under security every instance authenticates its callers (its HTTP server does); a standby
 * names the caller it passes a request on for in {@code X-Corral-On-Behalf-Of}, and the leader
 * takes the request as that caller's only when it comes with the instances' own certificate
 * ({@link Builder#peerPrincipal}): a client certificate cannot be passed on, and the ACLs must
 * judge the caller, not the standby. The header from anyone else is ignored.
 */
public final class LeaderProxy implements Route {
  private static final Logger LOG = LoggerFactory.getLogger(LeaderProxy.class);
  /** Headers of one connection (RFC 9110 7.6.1), and those the JDK client sets itself. */
  private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-authenticate",
      "proxy-authorization", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade", "host",
      "content-length", "expect", "http2-settings");
  /** Longest wait for the leader's answer to begin (its body, such as an event stream, may take any time). */
  private static final Duration ANSWER_BEGINS = Duration.ofSeconds(60);

  private final Route local;
  private final Leadership leadership;
  private final String ownUrl;
  private final String via;
  private final ErrorBody errors;
  private final String leaderHeader;
  private final HttpClient client;
  private final Predicate<Request> servedHere;
  private final String peerPrincipal;

  private LeaderProxy(Builder b) {
    this.local = b.local;
    this.leadership = b.leadership;
    this.ownUrl = b.ownUrl;
    this.via = "1.1 " + URI.create(b.ownUrl).getAuthority();
    this.errors = b.errors;
    this.leaderHeader = b.leaderHeader;
    this.client = b.client != null ? b.client : client(null);
    this.servedHere = b.servedHere;
    this.peerPrincipal = b.peerPrincipal;
  }

  /**
   * The client a proxy passes requests on with: HTTP/1.1, no redirects followed, 5 s to connect;
   * with {@code ssl} (the instances' own TLS context: the cluster's CA, the instance's certificate),
   * HTTPS to a leader that serves it.
   */
  public static HttpClient client(SSLContext ssl) {
    HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).followRedirects(HttpClient.Redirect.NEVER);
    if (ssl != null) {
      b.sslContext(ssl);
    }
    return b.build();
  }

  /**
   * @param local the API as the leader serves it
   * @param ownUrl this instance's URL ({@code http://host:port}), as the election has it
   */
  public static Builder builder(Route local, Leadership leadership, String ownUrl) {
    return new Builder(local, leadership, ownUrl);
  }

  @Override
  public Response handle(Request request) throws IOException {
    if (servedHere.test(request)) {
      return local.handle(caller(request));
    }
    if (leadership.leading()) {
      Response r = local.handle(caller(request));
      return leaderHeader == null ? r : r.withHeader(leaderHeader, ownUrl);
    }
    Optional<String> leader = leadership.leaderUrl();
    if (leader.isEmpty() || leader.get().equals(ownUrl)) {
      String why = leader.isEmpty() ? "no leader is known yet (the instances are electing one)"
          : "this instance was just elected and does not serve yet";
      return errors.render(503, why + "; try again in a moment").withHeader("Retry-After", "1");
    }
    String seen = request.header("Via");
    if (seen != null && seen.contains(via)) {
      return errors.render(502, "a loop of proxies: this instance (" + ownUrl + ") was asked again by the leader "
          + "it passed the request to; the instances disagree on who leads: try again in a moment");
    }
    return forward(request, leader.get(), seen);
  }

  /** The request as its caller's: a fellow instance's passed on is the caller's it names. */
  private Request caller(Request request) {
    String onBehalf = request.header(HttpAuthenticator.ON_BEHALF_OF);
    Identity id = request.identity();
    if (onBehalf != null && !onBehalf.isEmpty() && peerPrincipal != null && id != null
        && id.method() == Identity.Method.CERTIFICATE && id.principal().equals(peerPrincipal)) {
      return request.withIdentity(new Identity(onBehalf, Identity.Method.CERTIFICATE));
    }
    return request;
  }

  private Response forward(Request request, String leader, String seen) {
    String target = leader + request.rawPath() + (request.rawQuery() == null ? "" : "?" + request.rawQuery());
    HttpRequest.Builder out = HttpRequest.newBuilder(URI.create(target)).timeout(ANSWER_BEGINS)
        .method(request.method(), request.body().length == 0 ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofByteArray(request.body()));
    Set<String> named = connectionHeaders(request.header("Connection"));
    for (Map.Entry<String, String> h : request.headers().entrySet()) {
      String name = h.getKey();
      if (!HOP_BY_HOP.contains(name) && !named.contains(name) && !name.equals("via")
          && !name.equals("x-forwarded-for") && !name.equalsIgnoreCase(HttpAuthenticator.ON_BEHALF_OF)) {
        out.header(name, h.getValue());
      }
    }
    Request caller = caller(request);
    if (caller.identity() != null) {
      out.header(HttpAuthenticator.ON_BEHALF_OF, caller.identity().principal());
    }
    out.header("Via", seen == null ? via : seen + ", " + via);
    String from = request.remote() == null ? null : request.remote().getAddress().getHostAddress();
    String forwarded = request.header("X-Forwarded-For");
    if (from != null) {
      out.header("X-Forwarded-For", forwarded == null ? from : forwarded + ", " + from);
    }
    HttpResponse<Flow.Publisher<List<ByteBuffer>>> answer;
    try {
      answer = client.send(out.build(), HttpResponse.BodyHandlers.ofPublisher());
    } catch (IOException e) {
      LOG.warn("cannot pass {} on to the leader at {}: {}", request, leader, e.toString());
      return errors.render(502, "cannot reach the leader at " + leader + ": " + (e instanceof java.net.ConnectException
          ? "connection refused" : e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return errors.render(503, "interrupted");
    }
    Map<String, String> headers = new LinkedHashMap<>();
    Set<String> theirs = answer.headers().firstValue("Connection").map(LeaderProxy::connectionHeaders).orElse(Set.of());
    answer.headers().map().forEach((name, values) -> {
      String lower = name.toLowerCase(Locale.ROOT);
      if (!HOP_BY_HOP.contains(lower) && !theirs.contains(lower) && !lower.equals("x-content-type-options")
          && !values.isEmpty() && !lower.startsWith(":")) {
        headers.put(name, values.size() == 1 ? values.get(0) : String.join(", ", values));
      }
    });
    headers.put("Via", via);
    long length = answer.headers().firstValueAsLong("Content-Length").orElse(-1);
    return new Response(answer.statusCode(), headers, new Response.Streamed(answer.body(), length));
  }

  /** The headers a {@code Connection} header names (they belong to that connection only). */
  private static Set<String> connectionHeaders(String value) {
    if (value == null) {
      return Set.of();
    }
    Set<String> out = new java.util.HashSet<>();
    for (String s : value.split(",")) {
      out.add(s.trim().toLowerCase(Locale.ROOT));
    }
    return out;
  }

  /** A proxy's settings. */
  public static final class Builder {
    private final Route local;
    private final Leadership leadership;
    private final String ownUrl;
    private ErrorBody errors = ErrorBody.CORRAL;
    private String leaderHeader;
    private HttpClient client;
    private Predicate<Request> servedHere = r -> false;
    private String peerPrincipal;

    private Builder(Route local, Leadership leadership, String ownUrl) {
      this.local = local;
      this.leadership = leadership;
      this.ownUrl = ownUrl;
    }

    /** The shape of the proxy's own errors (503 without a leader, 502 when it cannot reach it). */
    public Builder errors(ErrorBody body) {
      this.errors = body;
      return this;
    }

    /** The response header that names the leader's URL in the leader's answers (such as {@code X-Marathon-Leader}). */
    public Builder leaderHeader(String name) {
      this.leaderHeader = name;
      return this;
    }

    /** The client requests are passed on with (HTTPS: one with the cluster's trust). */
    public Builder client(HttpClient c) {
      this.client = c;
      return this;
    }

    /** Requests every instance answers itself, leader or not (such as a health check's {@code /ping}). */
    public Builder servedHere(Predicate<Request> which) {
      this.servedHere = which;
      return this;
    }

    /**
     * The principal of the instances' own certificate (under security): requests that come with it
     * and name a caller in {@code X-Corral-On-Behalf-Of} are that caller's.
     */
    public Builder peerPrincipal(String principal) {
      this.peerPrincipal = principal;
      return this;
    }

    public LeaderProxy build() {
      return new LeaderProxy(this);
    }
  }
}
