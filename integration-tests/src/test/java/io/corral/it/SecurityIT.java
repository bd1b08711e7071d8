package io.corral.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.corral.bridges.testkit.RecordingScheduler;
import io.corral.certs.CertificateAuthority;
import io.corral.common.net.Grpc;
import io.corral.common.net.HostPort;
import io.corral.common.resources.PooledResources;
import io.corral.common.resources.Resources;
import io.corral.common.security.BasicAuth;
import io.corral.common.security.ClientCredentials;
import io.corral.common.security.TlsFiles;
import io.corral.protocol.AgentCall;
import io.corral.protocol.AgentEvent;
import io.corral.protocol.AgentInfo;
import io.corral.protocol.AgentServiceGrpc;
import io.corral.protocol.ExecutorCall;
import io.corral.protocol.ExecutorEvent;
import io.corral.protocol.ExecutorServiceGrpc;
import io.corral.protocol.Filters;
import io.corral.protocol.FrameworkInfo;
import io.corral.protocol.Offer;
import io.corral.protocol.TaskState;
import io.corral.scheduler.CorralSchedulerDriver;
import io.corral.scheduler.TaskInfos;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

/**
 * A secured cluster of real processes ({@code corral master --security}, {@code corral agent
 * --security}) with certificates from {@code corral certs}' CA: who can register, subscribe, kill,
 * read and drain, and what everyone else gets (401, 403, a refused stream, a clear CLI line).
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class SecurityIT {
  private static final Duration START = Duration.ofSeconds(60);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ACLS = """
      {
        "register_frameworks": [ {"principals": ["alice"], "roles": ["a"]},
                                 {"principals": ["bob"], "roles": ["b"]} ],
        "run_tasks":           [ {"principals": ["alice", "bob"], "users": "ANY"} ],
        "kill_tasks":          [ {"principals": "ANY", "framework_principals": "SELF"} ],
        "read_sandboxes":      [ {"principals": "ANY", "framework_principals": "SELF"} ],
        "teardown_frameworks": [ {"principals": ["ops"], "framework_principals": "ANY"} ],
        "view_state":          [ {"principals": "ANY"} ],
        "drain_agents":        [ {"principals": ["ops"]} ],
        "update_quotas":       [ {"principals": ["ops"], "roles": "ANY"} ],
        "update_weights":      [ {"principals": ["ops"], "roles": ["b"]} ],
        "reserve_resources":   [ {"principals": ["ops"], "roles": ["b"]} ],
        "unreserve_resources": [ {"principals": ["ops"], "roles": "ANY"} ],
        "register_agents":     [ {"principals": ["agent"]} ]
      }
      """;

  @Test
  void aSecuredClusterLetsEachPrincipalDoWhatItsAclsAllowAndNothingElse(TestInfo info) throws Exception {
    Path dir = TestClusters.dir(info);
    Path tls = dir.resolve("tls");
    CertificateAuthority ca = CertificateAuthority.create("test-ca", Duration.ofDays(1));
    ca.save(tls);
    for (String daemon : List.of("master", "agent")) {
      ca.issue(tls, daemon, List.of("localhost", "127.0.0.1"), Duration.ofDays(1));
    }
    ca.issue(tls, "alice", List.of(), Duration.ofDays(1));
    Path foreign = dir.resolve("foreign");
    CertificateAuthority other = CertificateAuthority.create("other-ca", Duration.ofDays(1));
    other.save(foreign);
    other.issue(foreign, "agent", List.of("127.0.0.1"), Duration.ofDays(1));
    Files.copy(tls.resolve("ca.pem"), foreign.resolve("ca.pem"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Path credentials = Files.writeString(dir.resolve("credentials"), "bob bob-secret\nops ops-secret\n");
    Path bobSecret = Files.writeString(dir.resolve("bob.secret"), "bob-secret\n");
    Path acls = Files.writeString(dir.resolve("acls.json"), ACLS);
    for (Path secret : List.of(credentials, bobSecret)) {
      Files.setPosixFilePermissions(secret, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    }
    List<String> security = List.of("--security", "--tls-dir", tls.toString(), "--credentials", credentials.toString(),
        "--acls", acls.toString());

    try (CorralProcess master = CorralProcess.start(dir.resolve("master.log"),
        args(List.of("master", "--host", "127.0.0.1", "--port", "0", "--work-dir", dir.resolve("master").toString()), security))) {
      String address = master.awaitLine("master: (127\\.0\\.0\\.1:\\d+)", START).group(1);
      String http = master.awaitLine("http: (\\S+)", START).group(1);
      assertThat(http).startsWith("https://127.0.0.1:");
      try (CorralProcess agent = CorralProcess.start(dir.resolve("agent.log"),
          args(List.of("agent", "--master", address, "--host", "127.0.0.1", "--port", "0", "--work-dir", dir.resolve("agent").toString(),
              "--resources", "cpus:2;mem:1024;disk:1024", "--shutdown-executors-on-exit"), security))) {
        Matcher registered = agent.awaitLine("agent: (\\S+) registered with (\\S+)", START);
        String agentId = registered.group(1);

        // An agent whose certificate another CA signed is not authenticated by it: refused, and it says why.
        try (CorralProcess impostor = CorralProcess.start(dir.resolve("impostor.log"),
            args(List.of("agent", "--master", address, "--host", "127.0.0.1", "--port", "0", "--work-dir", dir.resolve("impostor").toString(),
                "--resources", "cpus:1;mem:256"), List.of("--security", "--tls-dir", foreign.toString(),
                "--credentials", credentials.toString(), "--acls", acls.toString())))) {
          assertThat(impostor.awaitExit(START)).isEqualTo(1);
          assertThat(Files.readString(dir.resolve("impostor.log")))
              .contains("master refused this agent: agents must present a client certificate of the cluster's CA");
          assertThat(impostor.stdout()).noneMatch(l -> l.contains("registered"));
        }
        // A client with no certificate, or with a certificate of a principal not allowed to, cannot register an agent.
        assertThat(registerAgent(address, new ClientCredentials(TlsFiles.trusting(tls.resolve("ca.pem")), null, null)))
            .contains("agents must present a client certificate");
        assertThat(registerAgent(address, new ClientCredentials(TlsFiles.inDir(tls, "alice"), null, null)))
            .contains("principal 'alice' may not register agents");
        assertThat(Files.readString(dir.resolve("master.log"))).contains("refused registration of agent");

        // alice (certificate) may not register in bob's role b; bob (secret) may, and runs a task.
        RecordingScheduler aliceInB = new RecordingScheduler();
        CorralSchedulerDriver wrongRole = new CorralSchedulerDriver(aliceInB,
            FrameworkInfo.newBuilder().setName("alice-in-b").setRole("b").build(), address, true,
            new ClientCredentials(TlsFiles.inDir(tls, "alice"), null, null));
        wrongRole.start();
        await().atMost(START).until(() -> !aliceInB.errors.isEmpty());
        assertThat(aliceInB.errors.get(0)).contains("principal 'alice' may not register a framework in role 'b'");
        wrongRole.stop();

        RecordingScheduler bob = new RecordingScheduler();
        CorralSchedulerDriver bobDriver = new CorralSchedulerDriver(bob,
            FrameworkInfo.newBuilder().setName("bob-jobs").setRole("b").build(), address, true,
            new ClientCredentials(TlsFiles.trusting(tls.resolve("ca.pem")), "bob", bobSecret));
        bobDriver.start();
        Offer offer = bob.nextOffer();
        bobDriver.launchTasks(List.of(offer.getId()), List.of(TaskInfos.command("bobs-task", offer,
            Resources.parse("cpus:0.5;mem:64"), TaskInfos.shell("echo bob was here > secret.txt; exec sleep 1000"))));
        bob.awaitState("bobs-task", TaskState.TASK_RUNNING); // its command executor proved itself with its token
        String bobFw = bob.frameworkId();
        bobDriver.suppressOffers(); // what is left goes to the frameworks below
        List<Offer> held = new java.util.ArrayList<>();
        bob.offers.drainTo(held);
        held.forEach(o -> bobDriver.declineOffer(o.getId()));

        RecordingScheduler alice = new RecordingScheduler().onOffers((d, offers) -> {
          offers.forEach(o -> d.declineOffer(o.getId()));
          d.suppressOffers();
        });
        CorralSchedulerDriver aliceDriver = new CorralSchedulerDriver(alice,
            FrameworkInfo.newBuilder().setName("alice-jobs").setRole("a").build(), address, true,
            new ClientCredentials(TlsFiles.inDir(tls, "alice"), null, null));
        aliceDriver.start();
        alice.awaitRegistered();

        SSLContext trusting = TlsFiles.trusting(tls.resolve("ca.pem")).sslContext();
        SSLContext aliceCert = TlsFiles.inDir(tls, "alice").sslContext();
        String bobAuth = BasicAuth.header("bob", "bob-secret");

        // Unauthenticated HTTP: 401 asking for basic auth; a wrong secret: 401; /health stays open.
        HttpResponse<String> anonymous = send(trusting, null, "GET", http + "api/v1/state");
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Basic"));
        assertThat(send(trusting, BasicAuth.header("bob", "guess"), "GET", http + "api/v1/state").statusCode())
            .isEqualTo(401);
        assertThat(send(trusting, null, "GET", http + "health").statusCode()).isEqualTo(200);

        // The state shows each framework's authenticated principal.
        JsonNode state = JSON.readTree(send(aliceCert, null, "GET", http + "api/v1/frameworks").body());
        assertThat(state.toString()).contains("bob-jobs", "alice-jobs");

        // alice cannot kill bob's task (403, and the CLI says why); bob can.
        String kill = http + "api/v1/tasks/" + bobFw + "/bobs-task/kill";
        HttpResponse<String> aliceKill = send(aliceCert, null, "POST", kill);
        assertThat(aliceKill.statusCode()).isEqualTo(403);
        assertThat(aliceKill.body()).contains("principal 'alice' may not kill tasks of frameworks of principal 'bob'");
        try (CorralProcess cli = CorralProcess.start(dir.resolve("cli-kill.log"), "task", "kill", bobFw + "/bobs-task",
            "--master", address, "--security", "--tls-dir", tls.toString(), "--principal", "alice")) {
          assertThat(cli.awaitExit(START)).isEqualTo(1);
          assertThat(Files.readString(dir.resolve("cli-kill.log")))
              .contains("principal 'alice' may not kill tasks of frameworks of principal 'bob'");
        }

        // alice cannot read bob's sandbox on the agent; bob can.
        JsonNode agentJson = JSON.readTree(send(aliceCert, null, "GET", http + "api/v1/agents/" + agentId).body());
        String agentHttp = agentJson.get("http_url").asText();
        assertThat(agentHttp).startsWith("https://");
        String sandbox = agentHttp + "api/v1/sandbox?framework=" + enc(bobFw) + "&task=bobs-task";
        assertThat(send(aliceCert, null, "GET", sandbox).statusCode()).isEqualTo(403);
        HttpResponse<String> bobsSandbox = send(trusting, bobAuth, "GET", sandbox);
        assertThat(bobsSandbox.statusCode()).isEqualTo(200);
        String path = JSON.readTree(bobsSandbox.body()).get("path").asText();
        String file = agentHttp + "api/v1/files/read?path=" + enc(path + "/secret.txt");
        await().atMost(START).until(() -> send(trusting, bobAuth, "GET", file).statusCode() == 200);
        assertThat(send(trusting, bobAuth, "GET", file).body()).contains("bob was here");
        HttpResponse<String> aliceRead = send(aliceCert, null, "GET", file);
        assertThat(aliceRead.statusCode()).isEqualTo(403);
        assertThat(aliceRead.body()).contains("may not read sandboxes of frameworks of principal 'bob'");
        // nor learn what is there: a file that does not exist is refused as one that does (not a 404)
        HttpResponse<String> aliceProbe = send(aliceCert, null, "GET",
            agentHttp + "api/v1/files/read?path=" + enc(path + "/no-such-file"));
        assertThat(aliceProbe.statusCode()).isEqualTo(403);
        assertThat(aliceProbe.body()).contains("may not read sandboxes of frameworks of principal 'bob'");
        assertThat(send(trusting, bobAuth, "GET", agentHttp + "api/v1/files/read?path=" + enc(path + "/no-such-file"))
            .statusCode()).isEqualTo(404);
        assertThat(send(trusting, null, "GET", file).statusCode()).isEqualTo(401);
        // Through the master (as the web UI reads sandboxes): the agent judges the user the master names.
        String proxied = http + "api/v1/agents/" + agentId + "/proxy/api/v1/files/read?path=" + enc(path + "/secret.txt");
        HttpResponse<String> bobProxied = send(trusting, bobAuth, "GET", proxied);
        assertThat(bobProxied.statusCode()).isEqualTo(200);
        assertThat(bobProxied.body()).contains("bob was here");
        HttpResponse<String> aliceProxied = send(aliceCert, null, "GET", proxied);
        assertThat(aliceProxied.statusCode()).isEqualTo(403);
        assertThat(aliceProxied.body()).contains("principal 'alice' may not read sandboxes");
        // Only the master's certificate may speak for someone else.
        HttpRequest.Builder forged = HttpRequest.newBuilder(URI.create(file)).header("X-Corral-On-Behalf-Of", "bob");
        assertThat(HttpClient.newBuilder().sslContext(aliceCert).build()
            .send(forged.build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(403);

        // A process on the host that knows bob's executor and container, but not its token, cannot pose as it.
        JsonNode executor = JSON.readTree(send(trusting, bobAuth, "GET", agentHttp + "api/v1/executors").body()).get(0);
        assertThat(impostorExecutor(HostPort.parse(agentJson.get("hostname").asText() + ":" + agentJson.get("port").asInt()),
            tls, bobFw, executor.get("executor_id").asText(), executor.get("container_id").asText()))
            .contains("did not prove itself");

        // The CLI's example framework authenticates with a secret from a file.
        try (CorralProcess shell = CorralProcess.start(dir.resolve("shell.log"), "example", "shell", "--master", address,
            "--tasks", "1", "--cpus", "0.1", "--mem", "32", "--role", "b", "--security", "--tls-dir", tls.toString(),
            "--principal", "bob", "--secret-file", bobSecret.toString(), "--", "true")) {
          assertThat(shell.awaitExit(START)).isZero();
          assertThat(shell.stdout()).contains("finished: 1/1");
        }

        // Quotas, weights and reservations are for ops, and only for the roles the ACLs name.
        String ops = BasicAuth.header("ops", "ops-secret");
        String reserve = http + "api/v1/agents/" + agentId + "/reserve";
        String unreserve = http + "api/v1/agents/" + agentId + "/unreserve";
        HttpResponse<String> aliceReserves = send(aliceCert, null, "POST", reserve, "{\"resources\": \"cpus(b):0.1\"}");
        assertThat(aliceReserves.statusCode()).isEqualTo(403);
        assertThat(aliceReserves.body()).contains("principal 'alice' may not reserve resources for role 'b'");
        assertThat(send(trusting, ops, "POST", reserve, "{\"resources\": \"cpus(a):0.1\"}").body())
            .contains("principal 'ops' may not reserve resources for role 'a'");
        assertThat(send(trusting, ops, "POST", reserve, "{\"resources\": \"cpus(b):0.1\"}").statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(send(trusting, ops, "GET", http + "api/v1/agents/" + agentId).body())
            .at("/reserved/b/cpus").asDouble()).isEqualTo(0.1);
        assertThat(send(trusting, bobAuth, "POST", unreserve, "{\"resources\": \"cpus(b):0.1\"}").body())
            .contains("principal 'bob' may not unreserve resources of role 'b'");
        assertThat(send(trusting, ops, "POST", unreserve, "{\"resources\": \"cpus(b):0.1\"}").statusCode()).isEqualTo(200);
        // A framework's RESERVE in its ACCEPT is judged by the same ACLs: bob may use role b but not reserve in it.
        bobDriver.reviveOffers();
        await().atMost(START).until(() -> {
          Offer o = bob.offers.poll(1, TimeUnit.SECONDS);
          if (o != null) {
            bobDriver.acceptOffers(List.of(o.getId()),
                PooledResources.reserved("b", Resources.parse("cpus:0.1")).toProto(), List.of(), List.of(),
                Filters.getDefaultInstance());
          }
          return bob.errors.stream().anyMatch(e -> e.contains("principal 'bob' may not reserve resources for role 'b'"));
        });
        bobDriver.suppressOffers();
        assertThat(JSON.readTree(send(trusting, ops, "GET", http + "api/v1/agents/" + agentId).body())
            .get("reserved").size()).as("nothing reserved").isZero();
        String quota = http + "api/v1/quota/a";
        HttpResponse<String> aliceQuota = send(aliceCert, null, "PUT", quota, "{\"guarantee\": {\"cpus\": 0.1}}");
        assertThat(aliceQuota.statusCode()).isEqualTo(403);
        assertThat(aliceQuota.body()).contains("principal 'alice' may not");
        assertThat(send(trusting, ops, "PUT", quota, "{\"guarantee\": {\"cpus\": 0.1}}").statusCode()).isEqualTo(200);
        assertThat(send(trusting, ops, "DELETE", quota).statusCode()).isEqualTo(200);
        assertThat(send(trusting, ops, "PUT", http + "api/v1/weights", "{\"a\": 2.0}").statusCode()).isEqualTo(403);
        assertThat(send(trusting, ops, "PUT", http + "api/v1/weights", "{\"b\": 2.0}").statusCode()).isEqualTo(200);

        // Draining is for ops only.
        String drain = http + "api/v1/agents/" + agentId + "/drain";
        assertThat(send(aliceCert, null, "POST", drain).statusCode()).isEqualTo(403);
        assertThat(send(trusting, BasicAuth.header("ops", "ops-secret"), "POST", drain).statusCode()).isEqualTo(200);

        // bob kills his own task.
        assertThat(send(trusting, bobAuth, "POST", kill).statusCode()).isEqualTo(200);
        bob.awaitState("bobs-task", TaskState.TASK_KILLED);
        assertThat(Files.readString(dir.resolve("master.log")))
            .contains("refused POST /api/v1/tasks/" + bobFw + "/bobs-task/kill");
        aliceDriver.stop();
        bobDriver.stop();
      }
    }
  }

  private static String[] args(List<String> a, List<String> b) {
    return java.util.stream.Stream.concat(a.stream(), b.stream()).toArray(String[]::new);
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static HttpResponse<String> send(SSLContext ssl, String authorization, String method, String url)
      throws Exception {
    return send(ssl, authorization, method, url, null);
  }

  /** As above, with a JSON body ({@code null}: none). */
  private static HttpResponse<String> send(SSLContext ssl, String authorization, String method, String url, String json)
      throws Exception {
    HttpClient client = HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(10)).build();
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
        .header("X-Corral-Request", "test").method(method, json == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(json));
    if (json != null) {
      b.header("Content-Type", "application/json");
    }
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Registers an agent by hand with {@code credentials}; returns the error the master answers (or how the stream ended). */
  private static String registerAgent(String master, ClientCredentials credentials) {
    ManagedChannel channel = Grpc.channel(HostPort.parse(master), 1 << 20, credentials);
    try {
      RawStream.Recorder<AgentEvent> rec = new RawStream.Recorder<>();
      StreamObserver<AgentCall> out = AgentServiceGrpc.newStub(channel).connect(rec);
      out.onNext(AgentCall.newBuilder().setRegister(AgentCall.Register.newBuilder().setAgentInfo(AgentInfo.newBuilder()
          .setHostname("127.0.0.1").setPort(1).addAllResources(Resources.parse("cpus:1;mem:128").toProto()))).build());
      await().atMost(START).until(() -> !rec.events.isEmpty() || rec.error.get() != null || rec.completed);
      return rec.events.isEmpty() ? String.valueOf(rec.error.get()) : rec.events.get(0).getError().getMessage();
    } finally {
      Grpc.shutdown(channel);
    }
  }

  private static String impostorExecutor(HostPort agent, Path tls, String frameworkId, String executorId,
      String containerId) {
    ManagedChannel channel = Grpc.channel(agent, 1 << 20, new ClientCredentials(TlsFiles.trusting(tls.resolve("ca.pem")),
        null, null));
    try {
      RawStream.Recorder<ExecutorEvent> rec = new RawStream.Recorder<>();
      StreamObserver<ExecutorCall> out = ExecutorServiceGrpc.newStub(channel).connect(rec);
      out.onNext(ExecutorCall.newBuilder().setFrameworkId(frameworkId).setExecutorId(executorId)
          .setSubscribe(ExecutorCall.Subscribe.newBuilder().setContainerId(containerId).setToken("forged")).build());
      await().atMost(START).until(() -> !rec.events.isEmpty() || rec.error.get() != null || rec.completed);
      return rec.events.isEmpty() ? String.valueOf(rec.error.get()) : rec.events.get(0).getError().getMessage();
    } finally {
      Grpc.shutdown(channel);
    }
  }
}
