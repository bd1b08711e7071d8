package io.corral.master.state;

import io.corral.protocol.FrameworkInfo;
import io.corral.protocol.Task;
import java.time.Instant;
import java.util.List;

/** A removed framework as operators still see it: who it was, why it went, and its last tasks. Immutable. */
public record CompletedFramework(
    String id, FrameworkInfo info, Instant registeredAt, Instant removedAt, String reason, List<Task> tasks) {

  public CompletedFramework {
    tasks = List.copyOf(tasks);
  }

  public String role() {
    return FrameworkEntry.roleOf(info);
  }
}
