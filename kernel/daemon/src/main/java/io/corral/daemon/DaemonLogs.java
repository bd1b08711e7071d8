package io.corral.daemon;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeAndTimeBasedRollingPolicy;
import ch.qos.logback.core.util.FileSize;
import java.nio.file.Path;
import org.slf4j.LoggerFactory;

/**
 * Daemons (master, agent, local cluster) log to a rolling file of their own in the distribution's
 * {@code logs/} ({@code -Dcorral.log.dir}, set by {@code bin/corral} from {@code CORRAL_LOG_DIR}) as
 * well as to stderr: {@code corral-<daemon>-<host>.log} ({@code corral-agent-5052-<host>.log} for a
 * daemon on another than its default port), rolled daily and at 100 MB, 7 days and 1 GB kept. Without {@code corral.log.dir} (tests, an IDE) nothing changes.
 */
public final class DaemonLogs {
  static final String PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level [%thread] %logger{36} - %msg%n";

  private DaemonLogs() {}

  /** Starts the file of {@code daemon}; returns its path, or null when there is no log dir. */
  public static Path start(String daemon) {
    String dir = System.getProperty("corral.log.dir");
    if (dir == null || dir.isBlank() || !(LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx)) {
      return null;
    }
    String host = io.corral.agent.ResourceDetector.hostname().replaceAll("[^A-Za-z0-9._-]", "_");
    Path file = Path.of(dir, "corral-" + daemon + "-" + host + ".log");
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(ctx);
    encoder.setPattern(PATTERN);
    encoder.start();
    RollingFileAppender<ILoggingEvent> appender = new RollingFileAppender<>();
    appender.setContext(ctx);
    appender.setName("DAEMON_FILE");
    appender.setFile(file.toString());
    SizeAndTimeBasedRollingPolicy<ILoggingEvent> policy = new SizeAndTimeBasedRollingPolicy<>();
    policy.setContext(ctx);
    policy.setParent(appender);
    policy.setFileNamePattern(Path.of(dir, "corral-" + daemon + "-" + host + ".%d{yyyy-MM-dd}.%i.log.gz").toString());
    policy.setMaxFileSize(FileSize.valueOf("100MB"));
    policy.setMaxHistory(7);
    policy.setTotalSizeCap(FileSize.valueOf("1GB"));
    policy.start();
    appender.setRollingPolicy(policy);
    appender.setEncoder(encoder);
    appender.start();
    if (!appender.isStarted()) {
      System.err.println("cannot write the log file " + file + "; logging to stderr only");
      return null;
    }
    ctx.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(appender);
    return file;
  }

  /** " (details in <file>)" for the one line a daemon ends with, or "" without a log file. */
  static String details(Path file) {
    return file == null ? "" : " (details in " + file + ")";
  }

  /**
   * For a command that prints its own report ({@code corral demo}): every event also goes to
   * {@code file}, and the console shows only warnings and errors. Returns false (nothing changed)
   * when logging is not logback's or the file cannot be written.
   */
  public static boolean toFileWithWarningsOnConsole(Path file) {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx)) {
      return false;
    }
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(ctx);
    encoder.setPattern(PATTERN);
    encoder.start();
    ch.qos.logback.core.FileAppender<ILoggingEvent> appender = new ch.qos.logback.core.FileAppender<>();
    appender.setContext(ctx);
    appender.setName("COMMAND_FILE");
    appender.setFile(file.toString());
    appender.setEncoder(encoder);
    appender.start();
    if (!appender.isStarted()) {
      return false;
    }
    Logger root = ctx.getLogger(Logger.ROOT_LOGGER_NAME);
    for (var it = root.iteratorForAppenders(); it.hasNext(); ) {
      if (it.next() instanceof ch.qos.logback.core.ConsoleAppender<ILoggingEvent> console) {
        ch.qos.logback.classic.filter.ThresholdFilter warnings = new ch.qos.logback.classic.filter.ThresholdFilter();
        warnings.setLevel("WARN");
        warnings.start();
        console.addFilter(warnings);
      }
    }
    root.addAppender(appender);
    return true;
  }
}
