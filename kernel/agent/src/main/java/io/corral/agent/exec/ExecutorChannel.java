package io.corral.agent.exec;

import io.corral.agent.exec.ExecutorRunStateMachine.Disconnected;
import io.corral.agent.exec.ExecutorRunStateMachine.Subscribed;
import io.corral.common.log.ThrottledWarning;
import io.corral.common.net.StreamConnection;
import io.corral.protocol.AgentCall;
import io.corral.protocol.ExecutorCall;
import io.corral.protocol.ExecutorEvent;
import io.corral.protocol.TaskInfo;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's end of the executor protocol. The first call on a stream must be {@code SUBSCRIBE},
 * from an executor this agent runs: with security on it proves itself with the token of its
 * container ({@link ExecutorTokens}); anything else is refused with a fatal error and the stream
 * ended. A subscribed stream carries the executor's updates (passed on, then acknowledged) and its
 * messages for its framework. Loop-owned.
 */
final class ExecutorChannel {
  private static final Logger LOG = LoggerFactory.getLogger(ExecutorChannel.class);
  /** Any local process can make these repeat. */
  private final ThrottledWarning refusedSubscription = new ThrottledWarning(LOG);

  private final AgentRuns runs;
  private final RunBook book;
  /** With security on, what executors prove themselves with; null otherwise. */
  private final ExecutorTokens tokens;
  private final Consumer<AgentCall> toMaster;

  ExecutorChannel(AgentRuns runs, RunBook book, ExecutorTokens tokens, Consumer<AgentCall> toMaster) {
    this.runs = runs;
    this.book = book;
    this.tokens = tokens;
    this.toMaster = toMaster;
  }

  void onCall(StreamConnection<ExecutorEvent> conn, ExecutorCall call) {
    if (call.hasSubscribe()) {
      if (conn.isOpen()) { // its stream ended: nothing may bind to it (a last UPDATE before the close still counts)
        subscribe(conn, call);
      }
      return;
    }
    ExecutorRun run = runs.runOf(conn);
    if (run == null) {
      conn.send(ExecutorMessages.error(call.getTypeCase().name(),
          "not subscribed: the first call must be SUBSCRIBE", false));
      return;
    }
    switch (call.getTypeCase()) {
      case UPDATE -> book.executorUpdate(run, call.getUpdate().getStatus());
      case MESSAGE -> toMaster.accept(AgentCall.newBuilder().setMessage(AgentCall.ExecutorMessage.newBuilder()
          .setFrameworkId(run.key().frameworkId()).setExecutorId(run.key().executorId())
          .setData(call.getMessage().getData())).build());
      default -> run.send(ExecutorMessages.error(call.getTypeCase().name(), "unknown call type", false));
    }
  }

  private void subscribe(StreamConnection<ExecutorEvent> conn, ExecutorCall call) {
    ExecutorKey key = new ExecutorKey(call.getFrameworkId(), call.getExecutorId());
    ExecutorRun run = runs.run(key);
    ExecutorCall.Subscribe s = call.getSubscribe();
    String container = s.getContainerId();
    if (run != null && tokens != null
        && (!container.equals(run.containerId()) || !tokens.matches(container, s.getToken()))) {
      refusedSubscription.warn("refused subscription of executor {} (container {}) from {}: no valid token", key,
          container, conn.peer());
      refuse(conn, "executor " + key + " did not prove itself: the container id and token the agent gave it "
          + "(CORRAL_CONTAINER_ID, CORRAL_EXECUTOR_TOKEN) are required");
      return;
    }
    if (run == null || (!container.isEmpty() && !container.equals(run.containerId()))) {
      refuseUnknown(conn, key, container);
      return;
    }
    runs.bind(run, conn);
    Set<String> listed = new HashSet<>();
    s.getUnacknowledgedTasksList().stream().map(TaskInfo::getTaskId).forEach(listed::add);
    ExecutorRunStateMachine.State before = run.state();
    if (!book.apply(run, new Subscribed(listed, s.getUnacknowledgedUpdatesList())).accepted()) {
      // No process to be its executor: not started yet (a run that has none never had a stream), or gone.
      refuseUnknown(conn, key, container);
      runs.unbind(run);
      return;
    }
    if (before == ExecutorRunStateMachine.State.RECOVERING) {
      LOG.info("recovered executor {} (container {}) re-subscribed", key, run.containerId());
    }
  }

  private void refuseUnknown(StreamConnection<ExecutorEvent> conn, ExecutorKey key, String container) {
    refusedSubscription.warn("refused subscription of unknown executor {} (container {}) from {}", key, container,
        conn.peer());
    refuse(conn, "unknown executor " + key + " (container " + container + ")");
  }

  private static void refuse(StreamConnection<ExecutorEvent> conn, String message) {
    conn.send(ExecutorMessages.error("SUBSCRIBE", message, true));
    conn.complete();
  }

  /** An executor's stream ended: its run waits for it to reconnect, or for its process to exit. */
  void onClosed(StreamConnection<ExecutorEvent> conn) {
    ExecutorRun run = runs.closed(conn);
    if (run != null && book.apply(run, new Disconnected()).accepted()) {
      LOG.info("executor {} disconnected; waiting for it to reconnect or exit", run.key());
    }
  }
}
