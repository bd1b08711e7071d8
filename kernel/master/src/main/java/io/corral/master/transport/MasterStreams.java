package io.corral.master.transport;

import io.corral.common.net.StreamConnection;
import io.corral.protocol.AgentCall;
import io.corral.protocol.AgentEvent;
import io.corral.protocol.SchedulerCall;
import io.corral.protocol.SchedulerEvent;

/** What the master does with traffic from its streams. Called on gRPC threads. */
public interface MasterStreams {
  void onAgentCall(StreamConnection<AgentEvent> conn, AgentCall call);

  void onAgentStreamClosed(StreamConnection<AgentEvent> conn, Throwable cause);

  void onSchedulerCall(StreamConnection<SchedulerEvent> conn, SchedulerCall call);

  void onSchedulerStreamClosed(StreamConnection<SchedulerEvent> conn, Throwable cause);
}
