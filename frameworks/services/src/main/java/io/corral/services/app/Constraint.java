package io.corral.services.app;

import java.util.Objects;

/**
 * A placement rule on a field of the agent (Marathon's constraints, written {@code ["hostname",
 * "UNIQUE"]} or {@code ["rack", "GROUP_BY", "3"]}).
 *
 * @param field {@code hostname} or the name of an agent attribute
 * @param operator how the field's value is judged
 * @param value the operator's argument (a regex for LIKE/UNLIKE, a number for MAX_PER and
 *     optionally GROUP_BY, the value for CLUSTER and IS); null without one
 */
public record Constraint(String field, Operator operator, String value) {
  public Constraint {
    Objects.requireNonNull(field, "field");
    Objects.requireNonNull(operator, "operator");
  }

  /** Marathon's operators. */
  public enum Operator {
    /** At most one task per distinct value of the field. */
    UNIQUE,
    /** All tasks on agents whose field has the same value (the given one, or the first task's). */
    CLUSTER,
    /** Tasks spread evenly over the field's values (the value: how many values to expect). */
    GROUP_BY,
    /** Only agents whose field matches the regex. */
    LIKE,
    /** Only agents whose field does not match the regex. */
    UNLIKE,
    /** At most value tasks per distinct value of the field. */
    MAX_PER,
    /** Only agents whose field equals the value (Marathon 1.5+). */
    IS
  }
}
