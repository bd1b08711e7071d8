package io.corral.master.core;

import io.corral.common.resources.Resources;
import io.corral.master.state.AgentEntry;
import io.corral.master.state.FrameworkEntry;
import io.corral.master.state.TaskEntry;
import io.corral.protocol.Task;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Read-only access to the master's state for code running on the loop through
 * {@link MasterCore#query}. Returns copies, never live collections.
 */
public final class MasterView {
  private final MasterState s;

  MasterView(MasterState s) {
    this.s = s;
  }

  /** A registered agent as seen by the master. */
  public record AgentSummary(
      String id, String hostname, int port, String status, Resources total, int tasks, int offers) {}

  /** A framework as seen by the master. */
  public record FrameworkSummary(
      String id, String name, String role, boolean connected, boolean suppressed, int activeTasks,
      int completedTasks, int offers, double dominantShare) {}

  /**
   * The frameworks' schedulers run as tasks ({@code TaskInfo.scheduler_task}): how many are non-terminal,
   * what those on agents in service hold, those agents' total, the largest fraction of any scalar
   * resource they hold, and the most they may hold ({@code --scheduler-task-share}).
   */
  public record SchedulerTaskUsage(int running, Resources held, Resources cluster, double share, double limit) {}

  public SchedulerTaskUsage schedulerTasks() {
    return s.schedulerTasks.usage();
  }

  public List<AgentSummary> agents() {
    List<AgentSummary> out = new ArrayList<>();
    for (AgentEntry a : s.agents.values()) {
      out.add(new AgentSummary(a.id(), a.hostname(), a.info().getPort(), a.status().name(), a.total(),
          a.tasks().size(), a.offerIds().size()));
    }
    return out;
  }

  public List<FrameworkSummary> frameworks() {
    List<FrameworkSummary> out = new ArrayList<>();
    for (FrameworkEntry f : s.frameworks.values()) {
      out.add(new FrameworkSummary(f.id(), f.name(), f.role(), f.isConnected(), f.suppressed(),
          f.tasks().size(), f.completed().size(), f.offerIds().size(),
          s.allocator.view().dominantShare(f.id())));
    }
    return out;
  }

  public Optional<FrameworkSummary> framework(String id) {
    return frameworks().stream().filter(f -> f.id().equals(id)).findFirst();
  }

  /** Live and completed tasks of a framework. */
  public List<Task> tasks(String frameworkId) {
    FrameworkEntry f = s.frameworks.get(frameworkId);
    if (f == null) {
      return List.of();
    }
    List<Task> out = new ArrayList<>();
    for (TaskEntry t : f.tasks().values()) {
      out.add(t.toProto());
    }
    out.addAll(f.completed().values());
    return out;
  }

  /**
   * The agents as live entries, for readers that build their own snapshot (the HTTP API).
   * Read them only inside the query that got them, never keep them.
   */
  public java.util.Collection<AgentEntry> agentEntries() {
    return java.util.Collections.unmodifiableCollection(s.agents.values());
  }

  /** One framework as a live entry, or null; same rules as {@link #agentEntries()}. */
  public FrameworkEntry frameworkEntry(String id) {
    return s.frameworks.get(id);
  }

  /** The frameworks as live entries; same rules as {@link #agentEntries()}. */
  public java.util.Collection<FrameworkEntry> frameworkEntries() {
    return java.util.Collections.unmodifiableCollection(s.frameworks.values());
  }

  /** The latest removed frameworks, oldest first; same rules as {@link #agentEntries()}. */
  public java.util.Collection<io.corral.master.state.CompletedFramework> completedFrameworks() {
    return java.util.Collections.unmodifiableCollection(s.completedFrameworks.values());
  }

  /** The outstanding offers; same rules as {@link #agentEntries()}. */
  public java.util.Collection<io.corral.master.state.OfferEntry> offerEntries() {
    return java.util.Collections.unmodifiableCollection(s.offers.values());
  }

  /** The allocator's shares and totals (read on the loop only). */
  public io.corral.master.allocator.AllocatorView allocator() {
    return s.allocator.view();
  }

  public io.corral.protocol.MasterInfo masterInfo() {
    return s.masterInfo;
  }

  /** When this master was elected. */
  public java.time.Instant electedAt() {
    return s.electedAt;
  }

  public int outstandingOffers() {
    return s.offers.size();
  }

  public boolean isRemoved(String frameworkId) {
    return s.removedFrameworks.containsKey(frameworkId);
  }

  /** The agent's resources not allocated to anyone (neither used nor offered). */
  public Resources freeOn(String agentId) {
    return s.allocator.view().free(agentId);
  }

  /**
   * Every role with a quota, a weight, a framework or an allocation, and their ancestors, by
   * name.
   */
  public List<RoleSummary> roles() {
    return new RoleManager(s, null).roles();
  }
}
