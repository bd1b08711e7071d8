package io.corral.master;

import io.corral.common.net.StreamConnection;
import io.corral.master.core.MasterCore;
import io.corral.master.transport.MasterStreams;
import io.corral.protocol.AgentCall;
import io.corral.protocol.AgentEvent;
import io.corral.protocol.SchedulerCall;
import io.corral.protocol.SchedulerEvent;
import io.grpc.Status;

/**
 * Hands stream traffic to the core while this master leads. Before (a standby, or a master
 * still starting) and after (one that is exiting) every stream is refused with UNAVAILABLE,
 * and clients go back to looking for the leader.
 */
final class LeaderGate implements MasterStreams {
  private volatile MasterCore core;
  private volatile boolean closed;

  void open(MasterCore c) {
    core = c;
  }

  void close() {
    closed = true;
    core = null;
  }

  private MasterCore leading() {
    return closed ? null : core;
  }

  private static void refuse(StreamConnection<?> c) {
    c.fail(Status.UNAVAILABLE.withDescription(io.corral.common.net.Grpc.NOT_LEADER));
  }

  @Override
  public void onAgentCall(StreamConnection<AgentEvent> c, AgentCall call) {
    MasterCore m = leading();
    if (m == null) {
      refuse(c);
    } else {
      m.onAgentCall(c, call);
    }
  }

  @Override
  public void onAgentStreamClosed(StreamConnection<AgentEvent> c, Throwable cause) {
    MasterCore m = leading();
    if (m != null) {
      m.onAgentStreamClosed(c, cause);
    }
  }

  @Override
  public void onSchedulerCall(StreamConnection<SchedulerEvent> c, SchedulerCall call) {
    MasterCore m = leading();
    if (m == null) {
      refuse(c);
    } else {
      m.onSchedulerCall(c, call);
    }
  }

  @Override
  public void onSchedulerStreamClosed(StreamConnection<SchedulerEvent> c, Throwable cause) {
    MasterCore m = leading();
    if (m != null) {
      m.onSchedulerStreamClosed(c, cause);
    }
  }
}
