package io.corral.cli.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.corral.command.CliException;
import io.corral.common.detect.MasterDetector;
import io.corral.common.net.Grpc;
import io.corral.common.net.HostPort;
import io.corral.common.security.BasicAuth;
import io.corral.common.security.ClientCredentials;
import io.corral.protocol.GetInfoRequest;
import io.corral.protocol.GetInfoResponse;
import io.corral.protocol.MasterServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The master's HTTP API as the CLI reaches it. {@code --master} may be the address agents and
 * schedulers use ({@code host:port}, asked for its HTTP address over gRPC), a {@code zk://} URL
 * (the leader is looked up first) or the HTTP URL itself ({@code http://host:port/}).
 */
public final class MasterClient {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(15);

  private final HttpClient http;
  private final String base;
  private final String address;
  private final String authorization;

  private MasterClient(String base, String address, ClientCredentials credentials) {
    this.base = base.endsWith("/") ? base : base + "/";
    this.address = address;
    HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(TIMEOUT).followRedirects(HttpClient.Redirect.NORMAL);
    try {
      if (credentials.secure()) {
        b.sslContext(credentials.tls().sslContext());
      }
      this.authorization = credentials.hasSecret()
          ? BasicAuth.header(credentials.principal(), credentials.secret()) : null;
    } catch (IOException e) {
      throw new CliException(2, e.getMessage());
    }
    this.http = b.build();
  }

  /** Finds the master's HTTP API from what the user gave. */
  public static MasterClient connect(String master) {
    return connect(master, ClientCredentials.NONE);
  }

  /** As {@link #connect(String)}, presenting {@code credentials} (a secured cluster). */
  public static MasterClient connect(String master, ClientCredentials credentials) {
    if (master == null || master.isBlank()) {
      throw new CliException(2, "--master is required: host:port, zk://host:port/path or http://host:port/");
    }
    if (master.startsWith("http://") || master.startsWith("https://")) {
      try {
        URI.create(master);
      } catch (IllegalArgumentException e) {
        throw new CliException(2, "bad --master URL '" + master + "': " + e.getMessage());
      }
      return new MasterClient(master, master, credentials);
    }
    HostPort grpc;
    if (master.startsWith("zk://")) {
      try (MasterDetector d = MasterDetector.forSpec(master)) {
        grpc = d.detect(TIMEOUT);
      } catch (TimeoutException e) {
        throw new CliException(1, e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CliException(1, "interrupted");
      } catch (IllegalArgumentException e) {
        throw new CliException(2, "bad --master '" + master + "': " + e.getMessage());
      }
    } else {
      try {
        grpc = HostPort.parse(master);
      } catch (IllegalArgumentException e) {
        throw new CliException(2, "bad --master '" + master + "': expected host:port, zk://host:port/path or "
            + "http://host:port/ (" + e.getMessage() + ")");
      }
    }
    ManagedChannel channel = Grpc.channel(grpc, 4 * 1024 * 1024, credentials);
    try {
      GetInfoResponse info = MasterServiceGrpc.newBlockingStub(channel).withDeadlineAfter(TIMEOUT.toMillis(),
          TimeUnit.MILLISECONDS).getInfo(GetInfoRequest.getDefaultInstance());
      String url = info.getMaster().getHttpUrl();
      if (url.isEmpty()) {
        throw new CliException(1, "the master at " + grpc + " serves no HTTP API (started with --http-port -1)");
      }
      return new MasterClient(url, grpc.toString(), credentials);
    } catch (StatusRuntimeException e) {
      throw new CliException(1, "cannot reach the master at " + grpc + ": " + e.getStatus().getCode()
          + (e.getStatus().getDescription() == null ? "" : " (" + e.getStatus().getDescription() + ")")
          + switch (e.getStatus().getCode()) {
            case UNAVAILABLE, DEADLINE_EXCEEDED -> "; is it running, and is the address right?";
            case INTERNAL, UNIMPLEMENTED, UNKNOWN -> "; something else answers there: give the master's port (the one"
                + " agents use) or its HTTP URL http://host:port/";
            default -> "";
          });
    } finally {
      Grpc.shutdown(channel);
    }
  }

  /** The master's HTTP base URL ({@code http://host:port/}). */
  public String url() {
    return base;
  }

  /** What the user named. */
  public String address() {
    return address;
  }

  public JsonNode get(String path) {
    return call(HttpRequest.newBuilder(uri(path)).GET(), path);
  }

  public JsonNode post(String path) {
    return call(HttpRequest.newBuilder(uri(path)).header(io.corral.http.HttpIo.CSRF_HEADER, "corral-cli")
        .POST(HttpRequest.BodyPublishers.noBody()), path);
  }

  /** A POST with a JSON body. */
  public JsonNode post(String path, JsonNode body) {
    return call(HttpRequest.newBuilder(uri(path)).header(io.corral.http.HttpIo.CSRF_HEADER, "corral-cli")
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.toString())), path);
  }

  /** A PUT with a JSON body. */
  public JsonNode put(String path, JsonNode body) {
    return call(HttpRequest.newBuilder(uri(path)).header(io.corral.http.HttpIo.CSRF_HEADER, "corral-cli")
        .header("Content-Type", "application/json")
        .PUT(HttpRequest.BodyPublishers.ofString(body.toString())), path);
  }

  public JsonNode delete(String path) {
    return call(HttpRequest.newBuilder(uri(path)).header(io.corral.http.HttpIo.CSRF_HEADER, "corral-cli").DELETE(),
        path);
  }

  /** Reads a URL of an agent (or anything else) the master pointed to. */
  public JsonNode getAbsolute(String url) {
    return call(HttpRequest.newBuilder(URI.create(url)).GET(), url);
  }

  public static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private URI uri(String path) {
    return URI.create(base + path);
  }

  private JsonNode call(HttpRequest.Builder b, String what) {
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    HttpResponse<String> r;
    try {
      r = http.send(b.timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new CliException(1, "cannot reach " + base + " (" + what + "): " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException(1, "interrupted");
    }
    JsonNode body;
    try {
      body = JSON.readTree(r.body());
    } catch (IOException e) {
      throw new CliException(1, what + " answered HTTP " + r.statusCode() + " with something that is not JSON");
    }
    if (r.statusCode() / 100 != 2) {
      throw new ApiError(r.statusCode(), body);
    }
    return body;
  }

  /** An error answer of the API: its status and JSON body. */
  public static final class ApiError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;
    private final transient JsonNode body;

    ApiError(int status, JsonNode body) {
      super(body.path("error").asText("HTTP " + status), null, false, false);
      this.status = status;
      this.body = body;
    }

    public int status() {
      return status;
    }

    public JsonNode body() {
      return body;
    }
  }
}
