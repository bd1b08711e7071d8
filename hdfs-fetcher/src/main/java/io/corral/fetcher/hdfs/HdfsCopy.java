package io.corral.fetcher.hdfs;

import static io.corral.fetcher.hdfs.HdfsCopyContract.BYTES;
import static io.corral.fetcher.hdfs.HdfsCopyContract.DEBUG_ENV;
import static io.corral.fetcher.hdfs.HdfsCopyContract.ERROR_PREFIX;
import static io.corral.fetcher.hdfs.HdfsCopyContract.FAILED;
import static io.corral.fetcher.hdfs.HdfsCopyContract.GET;
import static io.corral.fetcher.hdfs.HdfsCopyContract.LENGTH;
import static io.corral.fetcher.hdfs.HdfsCopyContract.OK;
import static io.corral.fetcher.hdfs.HdfsCopyContract.PUT;
import static io.corral.fetcher.hdfs.HdfsCopyContract.SCHEMES;
import static io.corral.fetcher.hdfs.HdfsCopyContract.STAT;

import java.io.PrintStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * The HDFS helper: a process of its own, started by the agent (and by {@code corral bundle push})
 * with Hadoop's client jars on its classpath, so that the agent's JVM never loads Hadoop. See
 * {@link HdfsCopyContract} for commands, output and exit codes.
 *
 * <p>Configuration is Hadoop's: {@code core-site.xml} and {@code hdfs-site.xml} from the
 * classpath, then from {@code $HADOOP_CONF_DIR}; the URI's authority names the namenode or an HA
 * nameservice of that configuration, and {@code hdfs:///path} means the default file system.
 *
 * <p>This class does not touch Hadoop itself ({@link HdfsFiles} does): {@link #main} first
 * silences logging and moves {@code System.out} aside, before any Hadoop class initialises.
 */
public final class HdfsCopy {
  static final String USAGE = "usage: HdfsCopy get <uri> <local-dest> <max-bytes>"
      + " | put <local-file> <uri> | stat <uri>";

  private HdfsCopy() {}

  public static void main(String[] args) {
    Map<String, String> env = System.getenv();
    PrintStream stdout = System.out;
    if (!debug(env)) {
      quietLogging();
    }
    // stdout is for the result line only: whatever a library prints there goes to stderr.
    System.setOut(System.err);
    int code = run(args, env, stdout, System.err);
    stdout.flush();
    System.err.flush();
    System.exit(code);
  }

  /** Runs one command; prints the result line on {@code out} or the failure line on {@code err}. */
  static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
    try {
      out.println(execute(args, env));
      return OK;
    } catch (CopyFailure e) {
      return fail(err, e.exitCode(), e.getMessage(), e, env);
    } catch (Exception | LinkageError e) { // LinkageError: Hadoop's jars missing from the classpath
      return fail(err, FAILED, describe(e), e, env);
    }
  }

  private static String execute(String[] args, Map<String, String> env) throws Exception {
    if (args.length == 0) {
      throw new CopyFailure(FAILED, USAGE);
    }
    switch (args[0]) {
      case GET -> {
        expectArgs(args, 4);
        URI uri = hdfsUri(args[1]);
        long maxBytes = parseMaxBytes(args[3]);
        return BYTES + "=" + files(env).get(uri, Path.of(args[2]), maxBytes);
      }
      case PUT -> {
        expectArgs(args, 3);
        return BYTES + "=" + files(env).put(Path.of(args[1]), uri(args[2]));
      }
      case STAT -> {
        expectArgs(args, 2);
        return LENGTH + "=" + files(env).length(uri(args[1]));
      }
      default -> throw new CopyFailure(FAILED, "unknown command '" + args[0] + "'; " + USAGE);
    }
  }

  private static HdfsFiles files(Map<String, String> env) {
    return HdfsFiles.configured(env);
  }

  private static void expectArgs(String[] args, int count) throws CopyFailure {
    if (args.length != count) {
      throw new CopyFailure(FAILED, USAGE);
    }
  }

  private static URI uri(String text) throws CopyFailure {
    try {
      URI uri = new URI(text);
      if (uri.getScheme() == null || uri.getPath() == null || uri.getPath().isEmpty()) {
        throw new CopyFailure(FAILED, "not an absolute URI with a path: " + text);
      }
      return uri;
    } catch (URISyntaxException e) {
      throw new CopyFailure(FAILED, "bad URI: " + e.getMessage());
    }
  }

  /** A URI {@code get} may read: HDFS only, never another of Hadoop's file systems (file:, har:, viewfs:, ...). */
  private static URI hdfsUri(String text) throws CopyFailure {
    URI uri = uri(text);
    if (!SCHEMES.contains(uri.getScheme().toLowerCase(Locale.ROOT))) {
      throw new CopyFailure(FAILED, "not an HDFS URI: " + text + " (get reads hdfs://, webhdfs:// and swebhdfs://)");
    }
    return uri;
  }

  private static long parseMaxBytes(String text) throws CopyFailure {
    try {
      long max = Long.parseLong(text);
      if (max >= 0) {
        return max;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new CopyFailure(FAILED, "max-bytes must be a number >= 0, not '" + text + "'");
  }

  private static int fail(PrintStream err, int code, String message, Throwable e, Map<String, String> env) {
    err.println(ERROR_PREFIX + message);
    if (debug(env)) {
      e.printStackTrace(err);
    }
    return code;
  }

  /**
   * One line: the exception's kind and the first line of its message (Hadoop's can be long); a host
   * name that does not resolve (Hadoop wraps that in other exceptions) is said as such.
   */
  static String describe(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof UnknownHostException unknown) {
        String host = unknown.getMessage() == null ? "" : unknown.getMessage().strip();
        int colon = host.indexOf(": "); // the JDK's "name: Name or service not known"
        return "unknown host " + (colon > 0 ? host.substring(0, colon) : host);
      }
    }
    String message = e.getMessage();
    String kind = e.getClass().getSimpleName();
    if (message == null || message.isBlank()) {
      return kind;
    }
    String first = message.strip().lines().findFirst().orElse("").strip();
    return kind + ": " + first;
  }

  private static boolean debug(Map<String, String> env) {
    String value = env.get(DEBUG_ENV);
    return value != null && !value.isEmpty();
  }

  /**
   * Hadoop logs through SLF4J (and JCL, bridged to SLF4J). Unless the command line chose a
   * provider, use SLF4J's no-operation provider, and keep SLF4J's own notices quiet: the agent
   * reads stderr for the failure line.
   */
  private static void quietLogging() {
    setIfAbsent("slf4j.provider", "org.slf4j.helpers.NOP_FallbackServiceProvider");
    setIfAbsent("slf4j.internal.verbosity", "WARN");
  }

  private static void setIfAbsent(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }
}
