package io.corral.daemon;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;
import io.corral.command.CommandLines;
import java.util.List;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * What a {@code corral} command's logging shows on stderr. The libraries' own events (ZooKeeper's
 * and Curator's reconnection attempts, gRPC's name resolution and Netty's, each with its stack
 * trace) and the failures the command has reported in one line already ({@link CommandLines#REPORTED})
 * stay off the console; a daemon's log file ({@link DaemonLogs}) still has them all. With
 * {@code corral --verbose} the console shows everything. gRPC logs through java.util.logging,
 * which is routed into the same logging first, so that it follows the same rules.
 */
public final class ConsoleLogs {
  /** The loggers (and those below them) that stay off the console. */
  static final List<String> LIBRARIES = List.of("org.apache.zookeeper", "org.apache.curator", "io.grpc", "io.netty");

  private ConsoleLogs() {}

  /** java.util.logging into SLF4J, and the console without the libraries' events unless {@code verbose}. */
  public static void configure(boolean verbose) {
    if (!SLF4JBridgeHandler.isInstalled()) {
      SLF4JBridgeHandler.removeHandlersForRootLogger();
      SLF4JBridgeHandler.install();
    }
    if (verbose || !(LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx)) {
      return;
    }
    for (var it = ctx.getLogger(Logger.ROOT_LOGGER_NAME).iteratorForAppenders(); it.hasNext(); ) {
      if (it.next() instanceof ConsoleAppender<ILoggingEvent> console
          && console.getCopyOfAttachedFiltersList().stream().noneMatch(f -> f instanceof Quiet)) {
        Quiet quiet = new Quiet();
        quiet.setContext(ctx);
        quiet.start();
        console.addFilter(quiet);
      }
    }
  }

  /** Denies the libraries' events and the reported failures. */
  static final class Quiet extends Filter<ILoggingEvent> {
    @Override
    public FilterReply decide(ILoggingEvent event) {
      List<org.slf4j.Marker> markers = event.getMarkerList();
      if (markers != null && markers.contains(CommandLines.REPORTED)) {
        return FilterReply.DENY;
      }
      String name = event.getLoggerName();
      for (String library : LIBRARIES) {
        if (name.startsWith(library) && (name.length() == library.length() || name.charAt(library.length()) == '.')) {
          return FilterReply.DENY;
        }
      }
      return FilterReply.NEUTRAL;
    }
  }
}
