package io.corral.master.allocator;

import io.corral.common.resources.Resources;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The smallest amounts worth offering (Mesos {@code --min_allocatable_resources}): an agent's
 * free resources are offered only if they contain at least one of the alternatives.
 *
 * @param alternatives the minimum sets; an empty list means any non-empty amount is offered
 */
public record MinAllocatable(List<Resources> alternatives) {
  /** {@code cpus:0.01|mem:32}, the Mesos default. */
  public static final MinAllocatable DEFAULT = parse("cpus:0.01|mem:32");

  /** Offers any non-empty amount. */
  public static final MinAllocatable ANY = new MinAllocatable(List.of());

  public MinAllocatable {
    alternatives = List.copyOf(Objects.requireNonNull(alternatives, "alternatives"));
    for (Resources alternative : alternatives) {
      if (alternative.isEmpty()) {
        throw new IllegalArgumentException("an empty minimum would allow anything; use ANY");
      }
    }
  }

  /**
   * Parses the Mesos flag format: alternatives separated by {@code |}, each in the agent
   * resources format, e.g. {@code "cpus:0.01|mem:32"} or {@code "cpus:1;mem:512|gpus:1"}.
   *
   * @throws io.corral.common.resources.InvalidResourcesException if an alternative is malformed
   */
  public static MinAllocatable parse(String spec) {
    Objects.requireNonNull(spec, "spec");
    if (spec.isBlank()) {
      return ANY;
    }
    return new MinAllocatable(
        Arrays.stream(spec.split("\\|", -1)).map(String::trim).map(Resources::parse).toList());
  }

  /** Whether {@code free} is worth offering: non-empty and containing one alternative. */
  public boolean allows(Resources free) {
    if (free.isEmpty()) {
      return false;
    }
    if (alternatives.isEmpty()) {
      return true;
    }
    for (Resources alternative : alternatives) {
      if (free.contains(alternative)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return alternatives.isEmpty()
        ? "any"
        : String.join("|", alternatives.stream().map(Resources::toString).toList());
  }
}
