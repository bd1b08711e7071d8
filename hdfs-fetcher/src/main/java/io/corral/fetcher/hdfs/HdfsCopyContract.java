package io.corral.fetcher.hdfs;

import java.util.Set;

/**
 * The command-line contract of {@link HdfsCopy}, shared by the helper and the agent side that
 * starts it. This class must never refer to Hadoop: the agent loads it.
 *
 * <pre>
 *   get  &lt;uri&gt; &lt;local-dest&gt; &lt;max-bytes&gt;   stdout: bytes=&lt;n&gt;
 *   put  &lt;local-file&gt; &lt;uri&gt;               stdout: bytes=&lt;n&gt;
 *   stat &lt;uri&gt;                            stdout: length=&lt;n&gt;
 * </pre>
 *
 * <p>stdout carries the result line only. On failure the helper writes one line
 * {@code error: <message>} to stderr and exits with {@link #NOT_FOUND}, {@link #REFUSED} or
 * {@link #FAILED}. Anything else on stderr (a JVM error, Hadoop logging when
 * {@code CORRAL_DEBUG} is set) is diagnostic.
 */
public final class HdfsCopyContract {
  /** Done; the result line is on stdout. */
  public static final int OK = 0;
  /** Any other failure: I/O, connection, configuration, usage. */
  public static final int FAILED = 1;
  /** The source does not exist. */
  public static final int NOT_FOUND = 2;
  /** The source exists but is not copied: a directory, or larger than allowed. */
  public static final int REFUSED = 3;

  /**
   * The schemes {@code get} reads; no other file system (no {@code file:}, {@code har:} or
   * {@code viewfs:}) is ever opened for the agent, which runs the helper as itself.
   */
  public static final Set<String> SCHEMES = Set.of("hdfs", "webhdfs", "swebhdfs");

  public static final String GET = "get";
  public static final String PUT = "put";
  public static final String STAT = "stat";

  /** Result key of {@code get} and {@code put}: the number of bytes copied. */
  public static final String BYTES = "bytes";
  /** Result key of {@code stat}: the file's length. */
  public static final String LENGTH = "length";
  /** Prefix of the failure line on stderr. */
  public static final String ERROR_PREFIX = "error: ";
  /** Environment variable: when set (non-empty), Hadoop logs and stack traces reach stderr. */
  public static final String DEBUG_ENV = "CORRAL_DEBUG";

  private HdfsCopyContract() {}
}
