package io.corral.agent;

import io.corral.agent.checkpoint.CheckpointException;
import io.corral.agent.checkpoint.CheckpointStore;
import io.corral.agent.checkpoint.CheckpointedState;
import io.corral.agent.exec.ExecutorProcesses;
import io.corral.common.Env;
import io.corral.common.process.ProcessTree;
import io.corral.common.resources.Attributes;
import io.corral.common.resources.InvalidResourcesException;
import io.corral.common.resources.Resources;
import io.corral.protocol.AgentInfo;
import io.corral.protocol.ExecutorCheckpoint;
import java.time.Duration;
import java.util.HashSet;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a starting agent does with the checkpoint of its earlier run, before it serves anything:
 * with {@code --recover=reconnect} it reads the checkpoint and checks that the agent is started
 * the same way (resources, attributes, port); with {@code --recover=cleanup} it kills the
 * checkpointed executors and removes the checkpoint.
 */
final class CheckpointRecovery {
  private static final Logger LOG = LoggerFactory.getLogger(CheckpointRecovery.class);

  private CheckpointRecovery() {}

  /**
   * The state to recover, empty for a fresh start.
   *
   * @throws RecoveryRefusedException when the checkpoint cannot be recovered (nothing modified)
   */
  static Optional<CheckpointedState> prepare(AgentConfig config, CheckpointStore store,
      io.corral.agent.isolation.Isolators isolators) {
    Optional<CheckpointedState> state;
    try {
      state = store.read();
    } catch (CheckpointException e) {
      if (config.recover() == AgentConfig.RecoverMode.CLEANUP) {
        LOG.warn("{}; removing it (--recover=cleanup)", e.getMessage());
        store.wipe();
        return Optional.empty();
      }
      throw new RecoveryRefusedException("cannot recover: " + e.getMessage(), e);
    }
    if (state.isEmpty()) {
      store.wipe(); // a first registration that never completed may have left files
      return state;
    }
    if (config.recover() == AgentConfig.RecoverMode.CLEANUP) {
      cleanup(state.get(), store, isolators);
      return Optional.empty();
    }
    String problem = mismatch(config, state.get().agent().getAgentInfo());
    if (problem == null) {
      problem = reservationsProblem(config, store);
    }
    if (problem != null) {
      throw new RecoveryRefusedException("cannot recover agent " + state.get().agent().getAgentInfo().getId()
          + " from " + store.dir() + ": " + problem + ". Its executors would be misaccounted. To start it as a new"
          + " agent, remove " + store.dir() + " (executors of the old agent keep running until their recovery timeout)"
          + " or start with --recover=cleanup (kills them); or restart with the old configuration.", null);
    }
    return state;
  }

  /** The port to bind: the checkpointed one, so that live executors find the agent again. */
  static int port(AgentConfig config, Optional<CheckpointedState> state) {
    return state.map(s -> s.agent().getAgentInfo().getPort()).filter(p -> config.port() == 0 && p > 0)
        .orElse(config.port());
  }

  private static String mismatch(AgentConfig config, AgentInfo old) {
    StringBuilder out = new StringBuilder();
    String oldResources;
    boolean same;
    try {
      io.corral.common.resources.PooledResources r =
          io.corral.common.resources.PooledResources.fromProto(old.getResourcesList());
      oldResources = r.toString();
      same = r.equals(config.resources());
    } catch (InvalidResourcesException e) {
      oldResources = "unreadable (" + e.getMessage() + ")";
      same = false;
    }
    if (!same) {
      out.append("its resources were '").append(oldResources).append("' and are now '")
          .append(config.resources()).append("'");
    }
    if (!new HashSet<>(old.getAttributesList()).equals(new HashSet<>(config.attributes()))) {
      append(out, "its attributes were '" + Attributes.format(old.getAttributesList()) + "' and are now '"
          + Attributes.format(config.attributes()) + "'");
    }
    if (config.port() != 0 && old.getPort() != config.port()) {
      append(out, "its port was " + old.getPort() + " and is now " + config.port()
          + " (executors reconnect to the old one)");
    }
    return out.length() == 0 ? null : out.toString();
  }

  /** Why the checkpointed dynamic reservations cannot be taken back, or null. */
  private static String reservationsProblem(AgentConfig config, CheckpointStore store) {
    try {
      config.resources().reserve(
          io.corral.common.resources.PooledResources.fromProto(store.readReservations().getDynamicReservationsList()));
      return null;
    } catch (CheckpointException | InvalidResourcesException e) {
      return "its dynamic reservations cannot be taken back (" + e.getMessage() + "); remove "
          + store.dir().resolve("reservations.pb") + " to start without them";
    }
  }

  private static void append(StringBuilder out, String s) {
    out.append(out.length() == 0 ? "" : "; ").append(s);
  }

  private static void cleanup(CheckpointedState state, CheckpointStore store,
      io.corral.agent.isolation.Isolators isolators) {
    LOG.warn("--recover=cleanup: killing {} checkpointed executor(s) of agent {} and removing {}",
        state.executors().size(), state.agent().getAgentInfo().getId(), store.dir());
    for (ExecutorCheckpoint e : state.executors()) {
      ExecutorProcesses.find(e.getPid(), e.getPidStartMillis())
          .ifPresent(p -> ProcessTree.kill(p, Duration.ZERO).join());
      ProcessTree.killMarked(Env.CONTAINER_ID, e.getContainerId(), Duration.ZERO).join();
    }
    String oldId = state.agent().getAgentInfo().getId();
    if (isolators.cgroups() && !oldId.isEmpty()) {
      try {
        isolators.cleanOrphans(oldId, java.util.Set.of()); // what escaped the kills above, by cgroup
        isolators.removeAgentCgroups(oldId);
      } catch (java.io.IOException e) {
        LOG.warn("could not remove the cgroups of agent {}: {}", oldId, e.toString());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    store.wipe();
  }
}
