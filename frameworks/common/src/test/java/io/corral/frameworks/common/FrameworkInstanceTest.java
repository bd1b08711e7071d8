package io.corral.frameworks.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.corral.common.detect.ZkUrl;
import io.corral.frameworks.common.http.ErrorBody;
import io.corral.frameworks.common.http.Router;
import io.corral.frameworks.common.store.StateStoreException;
import io.corral.http.Response;
import io.corral.http.Route;
import io.corral.protocol.MasterInfo;
import io.corral.protocol.Offer;
import io.corral.protocol.TaskStatus;
import io.corral.scheduler.Scheduler;
import io.corral.scheduler.SchedulerDriver;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Instances of a small framework (it keeps a note) on a real ZooKeeper and real HTTP: the leader serves,
 * the standby passes requests on, the leader's end hands everything over to the standby, which carries
 * on with the state and the framework id the leader kept.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class FrameworkInstanceTest {
  private static final Duration SOON = Duration.ofSeconds(20);
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  @TempDir Path dir;

  /** The framework: a note in the state, read and written through its API; its scheduler does nothing. */
  private static final class NoteApp implements FrameworkApp {
    volatile String recovered;
    volatile boolean closed;

    @Override
    public Route api(FrameworkContext ctx) {
      return Router.builder(ErrorBody.MESSAGE)
          .get("/v1/note", (r, p) -> text(ctx.actor().submit(() -> read(ctx)).join()))
          .put("/v1/note", (r, p) -> {
            ctx.actor().submit(() -> {
              try {
                return ctx.store().put("notes/note", r.body());
              } catch (StateStoreException e) {
                throw new UncheckedIOException(e);
              }
            }).join();
            return Response.of(204, "text/plain", new byte[0]);
          })
          .post("/v1/note/lost", (r, p) -> {
            ctx.stateFailed().accept("the note could not be stored");
            return Response.of(204, "text/plain", new byte[0]);
          })
          .build();
    }

    private static String read(FrameworkContext ctx) {
      try {
        return ctx.store().get("notes/note").map(e -> new String(e.value(), StandardCharsets.UTF_8)).orElse("none");
      } catch (StateStoreException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public Scheduler recover(FrameworkContext ctx) throws IOException {
      recovered = ctx.store().get("notes/note").map(e -> new String(e.value(), StandardCharsets.UTF_8)).orElse("none");
      return new Scheduler() {
        @Override
        public void resourceOffers(SchedulerDriver driver, List<Offer> offers) {}

        @Override
        public void statusUpdate(SchedulerDriver driver, TaskStatus status) {}
      };
    }

    @Override
    public String leaderHeader() {
      return "X-Note-Leader";
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  private static Response text(String s) {
    return Response.of(200, "text/plain", s.getBytes(StandardCharsets.UTF_8));
  }

  private HttpResponse<String> get(String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url + "/v1/note")).build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> put(String url, String note) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url + "/v1/note")).PUT(HttpRequest.BodyPublishers.ofString(note))
        .build(), HttpResponse.BodyHandlers.ofString());
  }

  private static FrameworkSettings.Builder settings(Path workDir) {
    return FrameworkSettings.builder("notes", "127.0.0.1:5050").workDir(workDir);
  }

  @Test
  void theStandbyPassesRequestsOnAndTakesOverWithTheStateAndTheFrameworkIdWhenTheLeadersSessionEnds()
      throws Exception {
    try (TestingServer zk = new TestingServer(true)) {
      FrameworkSettings s = settings(dir.resolve("unused")).zk(ZkUrl.parse("zk://" + zk.getConnectString()
          + "/corral-notes")).build();
      NoteApp appA = new NoteApp();
      FakeDrivers driversA = new FakeDrivers();
      ByteArrayOutputStream printed = new ByteArrayOutputStream();
      try (FrameworkInstance a = FrameworkInstance.start(appA, s, driversA, new PrintStream(printed, true))) {
        assertThat(a.url()).matches("http://127\\.0\\.0\\.1:\\d+");
        FakeDrivers.Subscription first = driversA.next();
        assertThat(first.framework().getId()).as("no framework yet").isEmpty();
        assertThat(first.framework().getName()).isEqualTo("notes");
        assertThat(first.framework().getFailoverTimeout()).isEqualTo(7 * 24 * 3600.0);
        first.callbacks().registered(first.driver(), "fw-1", MasterInfo.getDefaultInstance());
        await().atMost(SOON).until(() -> a.phase() == InstancePhase.LEADING);
        assertThat(appA.recovered).isEqualTo("none");
        await().atMost(SOON).until(() -> !printed.toString(StandardCharsets.UTF_8).isEmpty());
        assertThat(printed.toString(StandardCharsets.UTF_8)).as("printed once, when it serves")
            .isEqualTo("notes: " + a.url() + System.lineSeparator());
        assertThat(get(a.url()).statusCode()).isEqualTo(200);

        NoteApp appB = new NoteApp();
        FakeDrivers driversB = new FakeDrivers();
        ByteArrayOutputStream printedB = new ByteArrayOutputStream();
        try (FrameworkInstance b = FrameworkInstance.start(appB, s, driversB, new PrintStream(printedB, true))) {
          assertThat(b.phase()).isEqualTo(InstancePhase.STANDBY);
          await().atMost(SOON).until(() -> !printedB.toString(StandardCharsets.UTF_8).isEmpty());
          assertThat(printedB.toString(StandardCharsets.UTF_8)).isEqualTo("notes: " + b.url() + System.lineSeparator());
          assertThat(get(b.url()).statusCode()).as("a standby that printed its line passes requests on").isEqualTo(200);
          assertThat(put(b.url(), "written through the standby").statusCode()).isEqualTo(204);
          HttpResponse<String> read = get(b.url());
          assertThat(read.body()).isEqualTo("written through the standby");
          assertThat(read.headers().firstValue("X-Note-Leader")).contains(a.url());
          assertThat(read.headers().firstValue("Via")).isPresent();

          ZkSessions.expire(a.election().client(), zk.getConnectString());

          assertThat(a.terminated().get(SOON.toSeconds(), TimeUnit.SECONDS)).isEqualTo(ExitCodes.ZK_SESSION_LOST);
          FakeDrivers.Subscription taken = driversB.next();
          assertThat(taken.framework().getId()).as("the framework the leader kept").isEqualTo("fw-1");
          await().atMost(SOON).until(() -> b.phase() == InstancePhase.LEADING);
          assertThat(appB.recovered).isEqualTo("written through the standby");
          HttpResponse<String> served = get(b.url());
          assertThat(served.body()).isEqualTo("written through the standby");
          assertThat(served.headers().firstValue("X-Note-Leader")).contains(b.url());
          assertThat(served.headers().firstValue("Via")).isEmpty();
        }
        assertThat(appB.closed).isTrue();
      }
    }
  }

  @Test
  void aloneItsStateIsInItsWorkDirWhichASecondInstanceCannotTake() throws Exception {
    Path workDir = dir.resolve("notes");
    FakeDrivers drivers = new FakeDrivers();
    try (FrameworkInstance c = FrameworkInstance.start(new NoteApp(), settings(workDir).build(), drivers,
        new PrintStream(new ByteArrayOutputStream()))) {
      FakeDrivers.Subscription first = drivers.next();
      first.callbacks().registered(first.driver(), "fw-2", MasterInfo.getDefaultInstance());
      await().atMost(SOON).until(() -> c.phase() == InstancePhase.LEADING);
      assertThat(put(c.url(), "kept in the work dir").statusCode()).isEqualTo(204);
      Path id = workDir.resolve("state/framework/id/.value");
      await().atMost(SOON).until(() -> java.nio.file.Files.exists(id));
      assertThat(id).hasContent("fw-2");

      assertThatThrownBy(() -> FrameworkInstance.start(new NoteApp(), settings(workDir).build(), new FakeDrivers(),
          new PrintStream(new ByteArrayOutputStream())))
          .isInstanceOf(IOException.class)
          .hasMessageStartingWith("another instance keeps its state in " + workDir.toAbsolutePath().resolve("state"));
    }
    NoteApp again = new NoteApp();
    FakeDrivers next = new FakeDrivers();
    try (FrameworkInstance d = FrameworkInstance.start(again, settings(workDir).build(), next,
        new PrintStream(new ByteArrayOutputStream()))) {
      FakeDrivers.Subscription resumed = next.next();
      assertThat(resumed.framework().getId()).isEqualTo("fw-2");
      await().atMost(SOON).until(() -> d.phase() == InstancePhase.LEADING);
      assertThat(again.recovered).isEqualTo("kept in the work dir");

      // The master removed the framework (gone past its failover timeout): registered anew.
      resumed.callbacks().error(resumed.driver(), "framework fw-2 was removed and cannot subscribe again; subscribe "
          + "without an id");
      assertThat(next.next().framework().getId()).isEmpty();
    }
  }

  @Test
  void anAppWhoseStateCannotBeKeptEndsItsInstanceForTheNextLeaderToCarryOn() throws Exception {
    FakeDrivers drivers = new FakeDrivers();
    try (FrameworkInstance e = FrameworkInstance.start(new NoteApp(), settings(dir.resolve("lost")).build(), drivers,
        new PrintStream(new ByteArrayOutputStream()))) {
      FakeDrivers.Subscription first = drivers.next();
      first.callbacks().registered(first.driver(), "fw-3", MasterInfo.getDefaultInstance());
      await().atMost(SOON).until(() -> e.phase() == InstancePhase.LEADING);
      assertThat(http.send(HttpRequest.newBuilder(URI.create(e.url() + "/v1/note/lost"))
          .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString()).statusCode())
          .isEqualTo(204);
      assertThat(e.terminated().get(SOON.toSeconds(), TimeUnit.SECONDS)).isEqualTo(ExitCodes.STATE_FAILED);
      assertThat(e.phase()).isEqualTo(InstancePhase.EXITING);
    }
  }
}
