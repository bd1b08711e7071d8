package io.corral.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.spi.FilterReply;
import io.corral.command.CommandLines;
import org.junit.jupiter.api.Test;

/** Which log events the console leaves to the log file. */
class ConsoleLogsTest {
  private final LoggerContext ctx = new LoggerContext();
  private final ConsoleLogs.Quiet quiet = new ConsoleLogs.Quiet();

  private FilterReply decide(String logger) {
    return quiet.decide(new LoggingEvent(getClass().getName(), ctx.getLogger(logger), Level.WARN, "m", null, null));
  }

  @Test
  void theLibrariesStayOffTheConsole() {
    assertThat(decide("org.apache.zookeeper.ClientCnxn")).isEqualTo(FilterReply.DENY);
    assertThat(decide("org.apache.curator.ConnectionState")).isEqualTo(FilterReply.DENY);
    assertThat(decide("io.grpc.internal.ManagedChannelImpl")).isEqualTo(FilterReply.DENY);
    assertThat(decide("io.grpc.netty.shaded.io.netty.channel.DefaultChannelPipeline")).isEqualTo(FilterReply.DENY);
    assertThat(decide("io.netty.util.ResourceLeakDetector")).isEqualTo(FilterReply.DENY);
  }

  @Test
  void corralsOwnEventsStay() {
    assertThat(decide("io.corral.master.Master")).isEqualTo(FilterReply.NEUTRAL);
    assertThat(decide("io.grpcx.Other")).isEqualTo(FilterReply.NEUTRAL);
  }

  @Test
  void aFailureReportedInOneLineIsNotRepeated() {
    LoggingEvent e = new LoggingEvent(getClass().getName(), ctx.getLogger("io.corral.command.CommandLines"),
        Level.ERROR, "corral master: the port is already in use", new java.io.IOException("x"), null);
    e.addMarker(CommandLines.REPORTED);
    assertThat(quiet.decide(e)).isEqualTo(FilterReply.DENY);
  }
}
