package io.corral.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Descriptors.Descriptor;
import io.corral.agent.Agent;
import io.corral.bridges.testkit.Http;
import io.corral.bridges.testkit.RecordingScheduler;
import io.corral.common.net.Grpc;
import io.corral.common.net.HostPort;
import io.corral.common.resources.Resources;
import io.corral.local.LocalCluster;
import io.corral.protocol.AgentCall;
import io.corral.protocol.AgentInfo;
import io.corral.protocol.AgentServiceGrpc;
import io.corral.protocol.ExecutorCall;
import io.corral.protocol.ExecutorServiceGrpc;
import io.corral.protocol.FrameworkInfo;
import io.corral.protocol.Offer;
import io.corral.protocol.SchedulerCall;
import io.corral.protocol.SchedulerServiceGrpc;
import io.corral.scheduler.CorralSchedulerDriver;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Hostile input at every entry point of a live cluster: the master's agent and scheduler streams,
 * the agent's executor stream (malformed bytes, mutated and random well-typed messages) and both
 * HTTP APIs (random methods, paths, queries). No case may hang, no HTTP answer may be a 500, and
 * after each entry point's cases the cluster still serves (a new framework is offered all of the
 * agent's resources) and keeps none of the hostile input: each case checks it, so they hold in any
 * order.
 *
 * <p>The normal suite runs {@value #NORMAL_CASES} cases per entry point; the long run is
 * {@code ./mvnw -B verify -pl integration-tests -am -Dit.test=ProtocolFuzzIT -Dtest=none
 * -Dsurefire.failIfNoSpecifiedTests=false -Dcorral.fuzz.cases=10000} ({@code -Dcorral.fuzz.seed=N}
 * replays a seed). Each entry point prints its cases, seed and time.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class ProtocolFuzzIT {
  static final int NORMAL_CASES = 1500;
  private static final Duration CASE_DEADLINE = Duration.ofSeconds(20);
  private static final String RESOURCES = "cpus:2;mem:1024;disk:2048;ports:[31000-31009]";

  private LocalCluster cluster;
  private ManagedChannel master;
  private ManagedChannel agent;
  private String agentId;
  /** Heap the (in-process) master and agent retain before any hostile input. */
  private long heapBefore;

  @BeforeAll
  void start(TestInfo info) throws Exception {
    cluster = TestClusters.inProcess(TestClusters.dir(info), 1, RESOURCES).start();
    Agent a = cluster.inProcessAgent(0);
    agentId = a.agentId();
    master = Grpc.channel(cluster.masterAddress(), Grpc.DEFAULT_MAX_MESSAGE_BYTES);
    agent = Grpc.channel(new HostPort("127.0.0.1", a.port()), Grpc.DEFAULT_MAX_MESSAGE_BYTES);
    heapBefore = retainedHeap();
  }

  /** Heap in use after full collections: what is still referenced. */
  private static long retainedHeap() {
    java.lang.management.MemoryMXBean memory = java.lang.management.ManagementFactory.getMemoryMXBean();
    long least = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      System.gc();
      least = Math.min(least, memory.getHeapMemoryUsage().getUsed());
    }
    return least;
  }

  @AfterAll
  void stop() throws Exception {
    Grpc.shutdown(master);
    Grpc.shutdown(agent);
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void agentStreamsOfTheMaster() throws Exception {
    byte[] valid = AgentCall.newBuilder().setRegister(AgentCall.Register.newBuilder().setAgentInfo(
        AgentInfo.newBuilder().setHostname("127.0.0.1").setPort(1)
            .addAllResources(Resources.parse("cpus:1;mem:128").toProto()))).build().toByteArray();
    fuzzStream("master AgentService", master, AgentServiceGrpc.getConnectMethod().getFullMethodName(),
        AgentCall.getDescriptor(), List.of(valid, AgentCall.getDefaultInstance().toByteArray()));
  }

  @Test
  void schedulerStreamsOfTheMaster() throws Exception {
    byte[] subscribe = SchedulerCall.newBuilder().setSubscribe(SchedulerCall.Subscribe.newBuilder().setFrameworkInfo(
        FrameworkInfo.newBuilder().setName("fuzz").setUser("nobody"))).build().toByteArray();
    byte[] decline = SchedulerCall.newBuilder().setFrameworkId("x").setDecline(
        SchedulerCall.Decline.newBuilder().addOfferIds("o-1")).build().toByteArray();
    fuzzStream("master SchedulerService", master, SchedulerServiceGrpc.getSubscribeMethod().getFullMethodName(),
        SchedulerCall.getDescriptor(), List.of(subscribe, decline));
  }

  @Test
  void executorStreamsOfTheAgent() throws Exception {
    byte[] subscribe = ExecutorCall.newBuilder().setFrameworkId("f").setExecutorId("e")
        .setSubscribe(ExecutorCall.Subscribe.newBuilder().setContainerId("c")).build().toByteArray();
    fuzzStream("agent ExecutorService", agent, ExecutorServiceGrpc.getConnectMethod().getFullMethodName(),
        ExecutorCall.getDescriptor(), List.of(subscribe));
  }

  @Test
  void httpApiOfTheMaster() throws Exception {
    fuzzHttp("master HTTP", cluster.master().httpUrl());
  }

  @Test
  void httpApiOfTheAgent() throws Exception {
    fuzzHttp("agent HTTP", "http://127.0.0.1:" + cluster.inProcessAgent(0).httpPort() + "/");
  }

  /**
   * After an entry point's cases: a new framework is offered all of the agent's resources, the
   * master is healthy, and nothing hostile is kept. Thousands of cases (bodies and byte fields up to
   * 100 KB, 200-entry lists) went in, and what may stay is the state of the frameworks that did
   * subscribe: the heap retained since before any of them stays within a bound however many entry
   * points have run.
   */
  private void theClusterStillServes(String entry) throws Exception {
    RecordingScheduler s = new RecordingScheduler();
    CorralSchedulerDriver driver = new CorralSchedulerDriver(s, FrameworkInfo.newBuilder().setName("after-fuzz").build(),
        cluster.masterAddress().toString());
    driver.start();
    try {
      Offer o = s.nextOffer(offer -> offer.getAgentId().equals(agentId));
      assertThat(Resources.fromProto(o.getResourcesList())).isEqualTo(Resources.parse(RESOURCES));
    } finally {
      driver.stop();
    }
    assertThat(Http.get(cluster.master().httpUrl() + "health").status()).isEqualTo(200);
    long grown = retainedHeap() - heapBefore;
    System.out.printf("fuzz: after %s, retained heap grew by %.1f MiB%n", entry, grown / 1048576.0);
    assertThat(grown).as("heap retained after the fuzz cases so far, beyond that before them").isLessThan(96L << 20);
  }

  private void fuzzStream(String entry, ManagedChannel channel, String fullMethod, Descriptor type, List<byte[]> valid)
      throws Exception {
    ProtoFuzz fuzz = new ProtoFuzz(ProtoFuzz.seed());
    int cases = ProtoFuzz.cases(NORMAL_CASES);
    long start = System.nanoTime();
    MethodDescriptor<byte[], byte[]> method = RawStream.rawMethod(fullMethod);
    for (int i = 0; i < cases; i++) {
      int messages = 1 + fuzz.nextInt(3);
      ClientCall<byte[], byte[]> call = channel.newCall(method, CallOptions.DEFAULT);
      CompletableFuture<Status> closed = new CompletableFuture<>();
      call.start(new ClientCall.Listener<>() {
        @Override
        public void onClose(Status status, Metadata trailers) {
          closed.complete(status);
        }
      }, new Metadata());
      call.request(Integer.MAX_VALUE);
      for (int m = 0; m < messages; m++) {
        call.sendMessage(fuzz.next(type, valid));
      }
      call.halfClose();
      try {
        Status status = closed.get(CASE_DEADLINE.toSeconds(), TimeUnit.SECONDS);
        assertThat(status.getCode()).as("%s case %d (seed %d): %s", entry, i, fuzz.seed, status)
            .isNotIn(Status.Code.UNKNOWN, Status.Code.UNIMPLEMENTED);
      } catch (TimeoutException e) {
        call.cancel("hung", null);
        throw new AssertionError(entry + " case " + i + " (seed " + fuzz.seed + ") hung: no end within "
            + CASE_DEADLINE);
      }
    }
    report(entry, cases, fuzz.seed, start);
    theClusterStillServes(entry);
  }

  private void fuzzHttp(String entry, String base) throws Exception {
    ProtoFuzz fuzz = new ProtoFuzz(ProtoFuzz.seed());
    int cases = ProtoFuzz.cases(NORMAL_CASES);
    long start = System.nanoTime();
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    List<String> parts = List.of("api", "v1", "state", "agents", "frameworks", "tasks", "offers", "kill", "drain",
        "undrain", "teardown", "proxy", "files", "read", "browse", "download", "view", "sandbox", "executors",
        "metrics", "health", "ui", "app.js", "..", "%2e%2e", "%2F", "%00", "%ff", "x".repeat(300), "%E2%80%AE",
        "0", "-1", "agent-1", "F0001", "");
    List<String> keys = List.of("path", "offset", "length", "framework", "task", "executor", "state", "limit",
        "completed", "agent", "grace", "tasks", "json", "");
    List<String> values = List.of("", "..", "../..", "/etc/passwd", "-1", "9223372036854775808", "NaN", "1e999",
        "running", "true", "%00", "%25zz", "5min", "-5s", "a%2F..%2F..", "x".repeat(2000));
    List<String> methods = List.of("GET", "GET", "GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "PATCH");
    for (int i = 0; i < cases; i++) {
      StringBuilder path = new StringBuilder();
      int n = fuzz.nextInt(7);
      for (int k = 0; k < n; k++) {
        path.append('/').append(fuzz.pick(parts));
      }
      if (fuzz.nextInt(4) == 0) {
        path.insert(0, "/api/v1");
      }
      StringBuilder query = new StringBuilder();
      int q = fuzz.nextInt(4);
      for (int k = 0; k < q; k++) {
        query.append(k == 0 ? "?" : "&").append(fuzz.pick(keys)).append('=').append(fuzz.pick(values));
      }
      String method = fuzz.pick(methods);
      URI uri = URI.create(base.replaceAll("/$", "") + (path.length() == 0 ? "/" : path) + query);
      HttpRequest.Builder req = HttpRequest.newBuilder(uri).timeout(CASE_DEADLINE);
      byte[] body = fuzz.nextInt(5) == 0 ? fuzz.bytes(fuzz.nextInt(100_000)) : new byte[0];
      req.method(method, body.length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
      if (fuzz.nextInt(2) == 0) {
        req.header("X-Corral-Request", "fuzz");
      }
      HttpResponse<byte[]> r;
      try {
        r = client.send(req.build(), HttpResponse.BodyHandlers.ofByteArray());
      } catch (java.net.http.HttpTimeoutException e) {
        throw new AssertionError(entry + " case " + i + " (seed " + fuzz.seed + ") " + method + " " + uri + " hung");
      } catch (java.io.IOException e) {
        continue; // the server may close on a body it refuses to read: not a failure
      }
      assertThat(r.statusCode()).as("%s case %d (seed %d): %s %s -> %s", entry, i, fuzz.seed, method, uri,
          new String(r.body(), java.nio.charset.StandardCharsets.UTF_8)).isLessThan(500).isNotEqualTo(0);
      if (r.statusCode() == 200 && uri.getRawQuery() != null && uri.getRawPath().contains("files")
          && (uri.getRawQuery().contains("=..") || uri.getRawQuery().contains("/etc/passwd"))) {
        throw new AssertionError(entry + " case " + i + " (seed " + fuzz.seed + ") served a path outside the sandboxes: "
            + uri);
      }
    }
    assertThat(client.send(HttpRequest.newBuilder(URI.create(base + "health")).build(),
        HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
    report(entry, cases, fuzz.seed, start);
    theClusterStillServes(entry);
  }

  private static void report(String entry, int cases, long seed, long startNanos) {
    System.out.printf("fuzz: %s: %d cases, seed %d, %.1f s%n", entry, cases, seed,
        (System.nanoTime() - startNanos) / 1e9);
  }
}
