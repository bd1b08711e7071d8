package io.corral.master.roles;

import io.corral.common.resources.Resources;
import java.util.Objects;

/**
 * A role's quota: what it gets whenever it has demand ({@code guarantee}) and what it never holds
 * more of, offered or used ({@code limit}; a resource the limit does not name is not limited).
 * Scalar resources only; either may be empty.
 */
public record Quota(Resources guarantee, Resources limit) {
  public static final Quota NONE = new Quota(Resources.EMPTY, Resources.EMPTY);

  public Quota {
    Objects.requireNonNull(guarantee, "guarantee");
    Objects.requireNonNull(limit, "limit");
    if (!guarantee.rangeResources().isEmpty() || !limit.rangeResources().isEmpty()) {
      throw new IllegalArgumentException("quotas are on scalar resources only");
    }
  }

  public boolean isNone() {
    return guarantee.isEmpty() && limit.isEmpty();
  }
}
