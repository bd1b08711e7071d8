package io.corral.benchmarks;

import io.corral.fetcher.FetchUser;
import io.corral.fetcher.Fetched;
import io.corral.fetcher.Fetcher;
import io.corral.fetcher.FetcherConfig;
import io.corral.fetcher.HdfsClient;
import io.corral.fetcher.HdfsSupport;
import io.corral.protocol.CommandURI;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Fetching a 100 MiB executor bundle from HDFS: {@code hdfs dfs -get} of the file against the
 * agent's {@link Fetcher}, cold (empty cache: helper process, download, checksum, extraction,
 * linking into the sandbox) and cached (the cache's extracted tree linked into a fresh sandbox), in
 * rounds that take turns in one run. HDFS is a MiniDFSCluster in a child JVM
 * ({@link BenchHdfsProcess}); the helper and {@code hdfs dfs} are processes of their own
 * ({@link HdfsCommands}); the fetcher runs in this JVM, as in an agent. See docs/benchmarks.md,
 * "Fetching a bundle from HDFS".
 *
 * <pre>
 * ./mvnw -B -q -pl benchmarks -am package -DskipTests
 * java -cp "benchmarks/target/corral-benchmarks.jar:benchmarks/target/lib/*" io.corral.benchmarks.FetchBenchmark
 * </pre>
 */
@Command(name = "fetch-benchmark", mixinStandardHelpOptions = true,
    description = "Fetch time of a bundle from HDFS, cold and cached, against hdfs dfs -get.")
public final class FetchBenchmark implements Callable<Integer> {
  private static final String BUNDLE_PATH = "/frameworks/bench/bundle.tar.gz";
  private static final String USER = "bench";

  @Option(names = "--rounds", defaultValue = "5", description = "Measured rounds (default: ${DEFAULT-VALUE}).")
  int rounds;

  @Option(names = "--warmup-rounds", defaultValue = "1",
      description = "Rounds run first and not counted (default: ${DEFAULT-VALUE}).")
  int warmupRounds;

  @Option(names = "--hits", defaultValue = "5",
      description = "Cached fetches measured per round, after one warm-up hit (default: ${DEFAULT-VALUE}).")
  int hits;

  @Option(names = "--jars", defaultValue = "100", description = "Jar-sized files in the bundle (default: ${DEFAULT-VALUE}).")
  int jars;

  @Option(names = "--jar-kib", defaultValue = "1024", description = "Size of each, KiB (default: ${DEFAULT-VALUE}).")
  int jarKib;

  @Option(names = "--breakdown", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Also time the parts: the helper alone, hdfs dfs -stat, SHA-256 (default: on).")
  boolean breakdown;

  @Option(names = "--dir", description = "Where the temporary directory goes (default: java.io.tmpdir).")
  Path dir;

  /** What is timed. */
  enum Kind {
    GET("hdfs dfs -get (FsShell, a fresh JVM)"),
    COLD("cold fetch: helper download, SHA-256, extract, link"),
    COLD_RAW("cold fetch, extract=false: helper download, SHA-256, link"),
    CACHED("cached fetch: tree linked into a fresh sandbox"),
    HELPER_STAT("part: the helper's `stat` alone (JVM start, Hadoop client, 1 RPC)"),
    HELPER_GET("part: the helper's `get` alone (the above + the copy)"),
    SHELL_STAT("part: hdfs dfs -stat (FsShell's JVM start, Hadoop client, 1 RPC)"),
    SHA256("part: SHA-256 of the bundle in this JVM (from the page cache)");

    final String label;

    Kind(String label) {
      this.label = label;
    }
  }

  private final Map<Kind, List<Long>> samples = new EnumMap<>(Kind.class);
  private final List<Double> ratios = new ArrayList<>();

  public static void main(String[] args) {
    if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    }
    int code = new CommandLine(new FetchBenchmark()).execute(args);
    System.exit(code);
  }

  @Override
  public Integer call() throws Exception {
    System.out.println("# Corral fetch benchmark");
    System.out.println("# " + Machine.describe());
    ProcessHandle.current().info().commandLine().ifPresent(line -> System.out.println("# command: " + line));
    Path root = Files.createTempDirectory(dir == null ? Path.of(System.getProperty("java.io.tmpdir")) : dir,
        "corral-fetch-bench-");
    TempDir.deleteOnExit(root);
    ExecutorService workers = Executors.newFixedThreadPool(2, runnable -> {
      Thread thread = new Thread(runnable, "fetch-worker");
      thread.setDaemon(true);
      return thread;
    });
    Machine.CpuTimes cpuAtStart = Machine.CpuTimes.now();
    Path conf = root.resolve("hadoop-conf");
    HdfsCommands commands = HdfsCommands.ofThisJvm(conf);
    try (BenchHdfs hdfs = start(root, commands.cluster())) {
      HdfsCommands.writeConf(conf, hdfs.uri(""));
      BenchBundle bundle = BenchBundle.make(root.resolve("source"), jars, jarKib * 1024);
      String sha256 = sha256(bundle.archive());
      URI uri = hdfs.uri(BUNDLE_PATH);
      long started = System.nanoTime();
      long put = new HdfsClient(commands.helper(), Duration.ofMinutes(10)).put(bundle.archive(), uri);
      System.out.printf("# bundle: %d files, %,d bytes unpacked; %s: %,d bytes (%.1f MiB), uploaded to %s in %.0f ms%n",
          bundle.files(), bundle.treeBytes(), bundle.archive().getFileName(), put, put / 1048576.0, uri,
          ms(System.nanoTime() - started));
      sync();
      Round round = new Round(hdfs, commands, workers, uri, bundle, sha256);
      for (int r = 0; r < warmupRounds + rounds; r++) {
        boolean counted = r >= warmupRounds;
        Map<Kind, List<Long>> times = round.run(root.resolve("round-" + r), r, hits, breakdown);
        report(r, counted, times);
        if (counted) {
          times.forEach((kind, nanos) -> samples.computeIfAbsent(kind, k -> new ArrayList<>()).addAll(nanos));
          ratios.add((double) times.get(Kind.COLD).get(0) / times.get(Kind.GET).get(0));
        }
      }
    } finally {
      workers.shutdownNow();
      TempDir.delete(root);
    }
    summary();
    System.out.println("CPU of the machine during the run: " + Machine.CpuTimes.now().since(cpuAtStart)
        + "; load average at the end: " + Machine.loadAverage());
    return 0;
  }

  private static BenchHdfs start(Path root, String classpath) throws IOException, InterruptedException {
    long started = System.nanoTime();
    BenchHdfs hdfs = BenchHdfs.start(root.resolve("dfs"), classpath);
    System.out.printf("# MiniDFSCluster (a child JVM, 1 datanode, replication 1) started in %.0f ms: %s%n",
        ms(System.nanoTime() - started), hdfs.uri(""));
    return hdfs;
  }

  /**
   * Writes the 300 MiB just made (the tree, the archive, the datanode's copy) to disk now: the
   * kernel would do it 30 s later, in the middle of the rounds.
   */
  private static void sync() throws InterruptedException {
    long started = System.nanoTime();
    try {
      int code = new ProcessBuilder("sync").inheritIO().start().waitFor();
      System.out.printf("# sync: exit code %d, %.0f ms%n", code, ms(System.nanoTime() - started));
    } catch (IOException e) {
      System.out.println("# sync: not run (" + e.getMessage() + ")");
    }
  }

  private static void report(int r, boolean counted, Map<Kind, List<Long>> times) {
    StringBuilder line = new StringBuilder(counted ? "round " + r : "warm-up " + r).append(':');
    times.forEach((kind, nanos) -> line.append(' ').append(kind.name().toLowerCase(java.util.Locale.ROOT)).append('=')
        .append(nanos.stream().map(n -> String.format("%.0f", ms(n))).reduce((a, b) -> a + "," + b).orElse(""))
        .append(" ms"));
    System.out.println(line);
  }

  private void summary() {
    System.out.printf("%n## Summary (%d rounds; cached: %d hits per round)%n%n", rounds, hits);
    System.out.println("| measurement | p50 | min | max | samples |");
    System.out.println("|---|---:|---:|---:|---:|");
    for (Kind kind : Kind.values()) {
      List<Long> nanos = samples.get(kind);
      if (nanos != null && !nanos.isEmpty()) {
        long[] sorted = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
        System.out.printf("| %s | %s | %s | %s | %d |%n", kind.label, fmt(median(sorted)), fmt(sorted[0]),
            fmt(sorted[sorted.length - 1]), sorted.length);
      }
    }
    double ratio = median(Kind.COLD) / median(Kind.GET);
    double[] perRound = ratios.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    double cached = median(Kind.CACHED);
    long cachedMax = samples.get(Kind.CACHED).stream().mapToLong(Long::longValue).max().orElse(0);
    System.out.println();
    System.out.printf("cold / hdfs dfs -get: %.2f (p50 / p50); per round: min %.2f, max %.2f%n", ratio, perRound[0],
        perRound[perRound.length - 1]);
    System.out.printf("target cold <= 1.2 x hdfs dfs -get: %s%n", ratio <= 1.2 ? "met" : "MISSED");
    System.out.printf("target cached < 50 ms: %s (p50 %.1f ms, max %.1f ms)%n", cached < 50e6 ? "met" : "MISSED",
        ms((long) cached), ms(cachedMax));
    if (samples.containsKey(Kind.HELPER_GET)) {
      System.out.println("where the cold fetch's time goes (differences of p50s):");
      System.out.printf("  the helper's JVM start, Hadoop client and 1 RPC    %6.0f ms%n", median(Kind.HELPER_STAT) / 1e6);
      System.out.printf("  the helper's copy (helper get - helper stat)       %6.0f ms%n",
          (median(Kind.HELPER_GET) - median(Kind.HELPER_STAT)) / 1e6);
      System.out.printf("  in the agent: SHA-256, checks, cache entry, link   %6.0f ms (cold extract=false - helper get)%n",
          (median(Kind.COLD_RAW) - median(Kind.HELPER_GET)) / 1e6);
      System.out.printf("  extracting and linking the tree                    %6.0f ms (cold - cold extract=false)%n",
          (median(Kind.COLD) - median(Kind.COLD_RAW)) / 1e6);
      System.out.printf("  hdfs dfs -get: JVM start .. 1 RPC, then the copy   %6.0f + %.0f ms%n",
          median(Kind.SHELL_STAT) / 1e6, (median(Kind.GET) - median(Kind.SHELL_STAT)) / 1e6);
    }
  }

  private double median(Kind kind) {
    return median(samples.get(kind).stream().mapToLong(Long::longValue).sorted().toArray());
  }

  static double median(long[] sorted) {
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
  }

  private static String fmt(double nanos) {
    double millis = nanos / 1e6;
    return millis < 100 ? String.format("%.1f ms", millis) : String.format("%.0f ms", millis);
  }

  static double ms(long nanos) {
    return nanos / 1e6;
  }

  static String sha256(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[256 * 1024];
      for (int n; (n = in.read(buffer)) >= 0; ) {
        digest.update(buffer, 0, n);
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** One round: every measurement once (the cached one {@code hits} times), in an order that rotates. */
  private record Round(BenchHdfs hdfs, HdfsCommands commands, ExecutorService workers, URI uri, BenchBundle bundle,
      String expectedSha256) {

    Map<Kind, List<Long>> run(Path dir, int r, int hits, boolean breakdown) throws Exception {
      Files.createDirectories(dir);
      Map<Kind, List<Long>> times = new EnumMap<>(Kind.class);
      List<Kind> order = new ArrayList<>(List.of(Kind.GET, Kind.COLD, Kind.COLD_RAW));
      java.util.Collections.rotate(order, r);
      for (Kind kind : order) {
        switch (kind) {
          case GET -> times.put(Kind.GET, List.of(get(dir.resolve("get"), r == 0)));
          case COLD -> cold(dir.resolve("cold"), true, hits, times);
          case COLD_RAW -> cold(dir.resolve("cold-raw"), false, 0, times);
          default -> throw new IllegalStateException(kind.name());
        }
      }
      if (breakdown) {
        Path parts = Files.createDirectories(dir.resolve("parts"));
        times.put(Kind.HELPER_STAT, List.of(commands.time(commands.helper("stat", uri.toString()), parts)));
        Path dest = parts.resolve("helper-get");
        times.put(Kind.HELPER_GET, List.of(commands.time(
            commands.helper("get", uri.toString(), dest.toString(), Long.toString(FetcherConfig.GIB)), parts)));
        check(Files.size(dest) == bundle.archiveBytes(), "the helper's copy has the wrong size");
        times.put(Kind.SHELL_STAT, List.of(commands.time(commands.fsShell("-stat", "%b", uri.toString()), parts)));
        long started = System.nanoTime();
        String digest = sha256(dest);
        times.put(Kind.SHA256, List.of(System.nanoTime() - started));
        check(digest.equals(expectedSha256), "the helper's copy has the wrong SHA-256");
      }
      TempDir.delete(dir);
      return times;
    }

    /** {@code hdfs dfs -get}: the whole process's wall time. */
    private long get(Path dir, boolean verify) throws Exception {
      Files.createDirectories(dir);
      Path local = dir.resolve("bundle.tar.gz");
      long took = commands.time(commands.fsShell("-get", uri.toString(), local.toString()), dir);
      check(Files.size(local) == bundle.archiveBytes(), "hdfs dfs -get wrote the wrong size");
      if (verify) {
        check(sha256(local).equals(expectedSha256), "hdfs dfs -get wrote other bytes");
      }
      return took;
    }

    /** A cold fetch into an empty cache, then {@code hits} cached fetches (after one warm-up hit) with that cache. */
    private void cold(Path dir, boolean extract, int hits, Map<Kind, List<Long>> times) throws Exception {
      CommandURI command = CommandURI.newBuilder().setValue(uri.toString()).setCache(true).setExtract(extract).build();
      HdfsSupport helper = commands.helper();
      try (Fetcher fetcher = new Fetcher(FetcherConfig.defaults(dir.resolve("cache"), helper), workers)) {
        long opens = hdfs.requests().opens();
        long started = System.nanoTime();
        Fetched cold = fetch(fetcher, command, dir.resolve("sandbox-cold"));
        long took = System.nanoTime() - started;
        check(!cold.cacheHit() && cold.bytes() == bundle.archiveBytes(), "the cold fetch was not a download: " + cold);
        long opened = hdfs.requests().opens() - opens;
        check(opened == 1, "the cold fetch opened the file " + opened + " times");
        checkSandbox(dir.resolve("sandbox-cold"), extract);
        times.put(extract ? Kind.COLD : Kind.COLD_RAW, List.of(took));
        if (hits > 0) {
          fetch(fetcher, command, dir.resolve("sandbox-warmup"));
          long calls = hdfs.requests().calls();
          List<Long> hitTimes = new ArrayList<>();
          for (int i = 0; i < hits; i++) {
            Path sandbox = dir.resolve("sandbox-hit-" + i);
            started = System.nanoTime();
            Fetched hit = fetch(fetcher, command, sandbox);
            hitTimes.add(System.nanoTime() - started);
            check(hit.cacheHit() && hit.bytes() == 0, "not a cache hit: " + hit);
            checkSandbox(sandbox, extract);
            checkLinked(sandbox.resolve(extract ? "lib/part-000.jar" : "bundle.tar.gz"));
          }
          long made = hdfs.requests().calls() - calls;
          check(made == 0, "cached fetches made " + made + " calls to the namenode");
          times.put(Kind.CACHED, hitTimes);
        }
      }
    }

    private Fetched fetch(Fetcher fetcher, CommandURI command, Path sandbox) throws Exception {
      return fetcher.fetch(List.of(command), sandbox, FetchUser.agent(USER), line -> {}).get(10, TimeUnit.MINUTES).get(0);
    }

    /** A cache hit's file is the cache's own, read-only: a hard link, not a copy. */
    private static void checkLinked(Path file) throws IOException {
      check(((Number) Files.getAttribute(file, "unix:nlink")).intValue() > 1, file + " is a copy, not a link");
      check(Files.getPosixFilePermissions(file).stream().noneMatch(p -> p.name().endsWith("_WRITE")),
          file + " is writable: " + Files.getPosixFilePermissions(file));
    }

    /** The archive is there; when extracted, so is every file of the tree. */
    private void checkSandbox(Path sandbox, boolean extracted) throws IOException {
      check(Files.size(sandbox.resolve("bundle.tar.gz")) == bundle.archiveBytes(), "no archive in " + sandbox);
      if (extracted) {
        try (var files = Files.walk(sandbox)) {
          long count = files.filter(Files::isRegularFile).count();
          check(count == bundle.files() + 1, sandbox + " has " + count + " files, expected " + (bundle.files() + 1));
        }
        check(Files.isExecutable(sandbox.resolve("bin/run.sh")), "bin/run.sh is not executable");
        check(Files.mismatch(sandbox.resolve("lib/part-000.jar"), bundle.dir().resolve("lib/part-000.jar")) < 0,
            "lib/part-000.jar differs from the source");
      }
    }
  }

  static void check(boolean condition, String message) {
    if (!condition) {
      throw new IllegalStateException(message);
    }
  }
}
