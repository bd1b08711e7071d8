package io.corral.agent.exec;

import io.corral.common.loop.ManualEventLoop;
import io.corral.fetcher.FetchException;
import io.corral.fetcher.FetchUser;
import io.corral.protocol.CommandURI;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The host as the agent's parts see it, without a process or a download: fetches complete when the
 * test says so, started processes are {@link FakeProcess}es that exit when the test says so, and kills
 * are recorded (a kill does not end a process: its exit is the test's to tell).
 */
final class FakeHost implements SandboxFetch, ProcessStarter, ProcessControl {
  private static final AtomicLong PIDS = new AtomicLong(40_000);

  /** A fetch under way: it ends, as the agent's fetcher's do, on the loop. */
  record Fetch(List<CommandURI> uris, Path dir, FetchUser user, String what, Consumer<FetchException> done,
      ManualEventLoop loop) {
    void succeed() {
      loop.execute(() -> done.accept(null));
      loop.runPending();
    }

    void fail(String uri, String message) {
      loop.execute(() -> done.accept(new FetchException(uri, message, null)));
      loop.runPending();
    }
  }

  /** A kill: the process's pid and the grace it was given. */
  record Kill(long pid, Duration grace) {}

  private final ManualEventLoop loop;
  final List<Fetch> fetches = new ArrayList<>();
  final List<ExecutorLauncher.Spec> started = new ArrayList<>();
  final Map<String, FakeProcess> processes = new HashMap<>();
  final List<Kill> kills = new ArrayList<>();
  final List<String> containersKilled = new ArrayList<>();
  /** Processes a restarted agent finds again, by pid. */
  final Map<Long, FakeProcess> live = new HashMap<>();
  /** Why the next start fails (null: it succeeds). */
  String startFailure;

  FakeHost(ManualEventLoop loop) {
    this.loop = loop;
  }

  @Override
  public void fetch(List<CommandURI> uris, Path dir, FetchUser user, String what, Consumer<FetchException> done) {
    if (uris.isEmpty()) {
      done.accept(null);
    } else {
      fetches.add(new Fetch(uris, dir, user, what, done, loop));
    }
  }

  @Override
  public Process start(ExecutorLauncher.Spec spec) throws IOException {
    if (startFailure != null) {
      throw new IOException(startFailure);
    }
    started.add(spec);
    FakeProcess p = new FakeProcess(PIDS.incrementAndGet());
    processes.put(spec.run().containerId(), p);
    return p;
  }

  @Override
  public void kill(ProcessHandle process, Duration grace) {
    kills.add(new Kill(process.pid(), grace));
  }

  @Override
  public void killContainer(String containerId) {
    containersKilled.add(containerId);
  }

  @Override
  public CompletableFuture<?> onExit(ExecutorRun run) {
    return run.handle().onExit();
  }

  @Override
  public Optional<ProcessHandle> find(long pid, long startMillis) {
    return Optional.ofNullable(live.get(pid)).map(FakeProcess::toHandle);
  }

  /** The process of the run's container. */
  FakeProcess process(ExecutorRun run) {
    return processes.get(run.containerId());
  }

  /** A process that runs until the test ends it. */
  static final class FakeProcess extends Process {
    private final Handle handle;
    private Integer exitCode;

    FakeProcess(long pid) {
      this.handle = new Handle(pid, this);
    }

    /** The process exits with {@code code} (its exit callbacks run on the loop, queued). */
    void exit(int code) {
      exitCode = code;
      handle.exited.complete(handle);
    }

    @Override
    public OutputStream getOutputStream() {
      return OutputStream.nullOutputStream();
    }

    @Override
    public InputStream getInputStream() {
      return new ByteArrayInputStream(new byte[0]);
    }

    @Override
    public InputStream getErrorStream() {
      return new ByteArrayInputStream(new byte[0]);
    }

    @Override
    public int waitFor() {
      throw new UnsupportedOperationException("a test never waits for a process");
    }

    @Override
    public int exitValue() {
      if (exitCode == null) {
        throw new IllegalThreadStateException("still running");
      }
      return exitCode;
    }

    @Override
    public boolean isAlive() {
      return exitCode == null;
    }

    @Override
    public void destroy() {
      throw new UnsupportedOperationException("the agent kills through ProcessControl");
    }

    @Override
    public long pid() {
      return handle.pid();
    }

    @Override
    public ProcessHandle toHandle() {
      return handle;
    }
  }

  private record Handle(long pid, FakeProcess process, CompletableFuture<ProcessHandle> exited)
      implements ProcessHandle {
    Handle(long pid, FakeProcess process) {
      this(pid, process, new CompletableFuture<>());
    }

    @Override
    public Optional<ProcessHandle> parent() {
      return Optional.empty();
    }

    @Override
    public java.util.stream.Stream<ProcessHandle> children() {
      return java.util.stream.Stream.empty();
    }

    @Override
    public java.util.stream.Stream<ProcessHandle> descendants() {
      return java.util.stream.Stream.empty();
    }

    @Override
    public Info info() {
      return ProcessHandle.current().info();
    }

    @Override
    public CompletableFuture<ProcessHandle> onExit() {
      return exited;
    }

    @Override
    public boolean supportsNormalTermination() {
      return true;
    }

    @Override
    public boolean destroy() {
      throw new UnsupportedOperationException("the agent kills through ProcessControl");
    }

    @Override
    public boolean destroyForcibly() {
      throw new UnsupportedOperationException("the agent kills through ProcessControl");
    }

    @Override
    public boolean isAlive() {
      return process.isAlive();
    }

    @Override
    public int compareTo(ProcessHandle other) {
      return Long.compare(pid, other.pid());
    }
  }
}
