package io.corral.storm;

import static org.assertj.core.api.Assertions.assertThat;

import io.corral.storm.WorkerReaper.Worker;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class WorkerReaperTest {
  private static final Instant T0 = Instant.parse("2026-12-07T16:47:06Z");

  private static List<String> argv(String port, String workerId) {
    return List.of("java", "-server", "-cp", "lib/*", "org.apache.storm.daemon.worker.Worker", "wordcount-1-17",
        "supervisor-a-1", "31500", port, workerId);
  }

  @Test
  void readsPortAndWorkerIdFromAWorkersCommandLineButNotItsLogWriters() {
    assertThat(WorkerReaper.parse(7, argv("31501", "w-1"), T0))
        .contains(new Worker(7, 31501, "w-1", T0));
    List<String> logWriter = new java.util.ArrayList<>(List.of("java", "-cp", "lib/*", "org.apache.storm.LogWriter"));
    logWriter.addAll(argv("31501", "w-1"));
    assertThat(WorkerReaper.parse(6, logWriter, T0)).isEmpty();
    assertThat(WorkerReaper.parse(5, List.of("java", "org.apache.storm.daemon.supervisor.Supervisor"), T0)).isEmpty();
    assertThat(WorkerReaper.parse(4, argv("not-a-port", "w-1"), T0)).isEmpty();
  }

  @Test
  void ofTheWorkersOnOnePortAllButTheNewestAreSuperseded() {
    Worker orphan = new Worker(1, 31501, "lost", T0);
    Worker current = new Worker(2, 31501, "current", T0.plusSeconds(40));
    Worker other = new Worker(3, 31502, "other", T0);
    assertThat(WorkerReaper.superseded(List.of(current, other, orphan))).containsExactly(orphan);
    assertThat(WorkerReaper.superseded(List.of(current, other))).isEmpty();
  }

  @Test
  void aWorkerIsKilledOnlyWhenSupersededTwiceInARow() {
    WorkerReaper reaper = new WorkerReaper();
    Worker orphan = new Worker(1, 31501, "lost", T0);
    Worker current = new Worker(2, 31501, "current", T0.plusSeconds(40));

    assertThat(reaper.confirmed(List.of(orphan, current))).as("first seen: maybe a handover").isEmpty();
    assertThat(reaper.confirmed(List.of(orphan, current))).containsExactly(orphan);
    assertThat(reaper.confirmed(List.of(current))).isEmpty();
    assertThat(reaper.confirmed(List.of(orphan, current))).as("seen anew").isEmpty();
  }
}
