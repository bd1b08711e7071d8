package io.corral.hadoop.am;

import java.util.HashMap;
import java.util.Map;
import org.apache.hadoop.net.NetworkTopology;
import org.apache.hadoop.yarn.api.records.NodeId;
import org.apache.hadoop.yarn.api.records.NodeReport;
import org.apache.hadoop.yarn.api.records.NodeState;
import org.apache.hadoop.yarn.api.records.Resource;

/**
 * The YARN node ids the job's containers get: one per TaskTracker executor on an agent, since
 * the executor's ShuffleHandler holds the map output of the containers that ran there. Agents on
 * one host stay apart, and the executor that replaces a lost one is a new node (as a NodeManager
 * that lost its local dirs would be). Not thread-safe: owned by the job framework's loop.
 */
final class Nodes {
  private final Map<String, NodeId> byAgent = new HashMap<>();
  private int seq;

  /** The node of the agent's current executor. */
  NodeId of(String agentId, String hostname) {
    return byAgent.computeIfAbsent(agentId, a -> NodeId.newInstance(hostname, ++seq));
  }

  /** Forgets the agent's node (its executor is gone); returns it, or null if it had none. */
  NodeId lose(String agentId) {
    return byAgent.remove(agentId);
  }

  /** What the RM reports for a node that went away (RMContainerAllocator passes it on to the job). */
  static NodeReport lost(NodeId node, String why) {
    Resource none = Resource.newInstance(0, 0);
    return NodeReport.newInstance(node, NodeState.LOST, node.getHost() + ":0", NetworkTopology.DEFAULT_RACK, none,
        none, 0, why, System.currentTimeMillis());
  }
}
