package io.corral.common.resources;

import io.corral.common.roles.RoleNames;
import io.corral.protocol.Resource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Resources by pool: the shared pool (unreserved) and, per role, what is reserved to it. An agent's
 * resources, an offer, what a task uses or what the allocator counts on one agent: wherever it
 * matters whose resources they are. Immutable; empty pools are not kept, so equal values are {@link
 * #equals equal}.
 *
 * <p>Reserved resources go only to frameworks of their role or a sub-role of it (see {@link
 * #usableBy}). On the wire each {@link Resource} names its pool in {@code reservation}; in the flag
 * format a reserved resource names its role in parentheses: {@code cpus(eng/etl):4;mem(eng/etl):8192;cpus:4}.
 */
public final class PooledResources {
  public static final PooledResources EMPTY = new PooledResources(Resources.EMPTY, new TreeMap<>());

  private final Resources unreserved;
  /** Reserved resources by role; no empty values. */
  private final TreeMap<String, Resources> reserved;
  private Resources all;

  private PooledResources(Resources unreserved, TreeMap<String, Resources> reserved) {
    this.unreserved = unreserved;
    this.reserved = reserved;
  }

  /** Unreserved resources only. */
  public static PooledResources of(Resources unreserved) {
    return unreserved.isEmpty() ? EMPTY : new PooledResources(unreserved, new TreeMap<>());
  }

  /**
   * @param reserved by role; each role must be a valid role name other than {@code *}
   * @throws InvalidResourcesException if a role is not
   */
  public static PooledResources of(Resources unreserved, Map<String, Resources> reserved) {
    TreeMap<String, Resources> r = new TreeMap<>();
    reserved.forEach((role, res) -> {
      checkRole(role);
      if (!res.isEmpty()) {
        r.merge(role, res, Resources::plus);
      }
    });
    checkKinds(unreserved, r);
    return unreserved.isEmpty() && r.isEmpty() ? EMPTY : new PooledResources(unreserved, r);
  }

  /** {@code resources} reserved to {@code role}. */
  public static PooledResources reserved(String role, Resources resources) {
    return of(Resources.EMPTY, Map.of(role, resources));
  }

  /**
   * Parses the agent flag format: {@code "cpus(eng/etl):4;mem(eng/etl):8192;cpus:4;mem:8192"}. A name
   * followed by {@code (role)} is reserved to that role ({@code (*)} is the same as none: unreserved);
   * a name may appear once per pool.
   *
   * @throws InvalidResourcesException with a one-line reason
   */
  public static PooledResources parse(String spec) {
    if (spec == null || spec.isBlank()) {
      return EMPTY;
    }
    Map<String, StringBuilder> byRole = new LinkedHashMap<>();
    for (String item : spec.split(";")) {
      String it = item.trim();
      if (it.isEmpty()) {
        continue;
      }
      int open0 = it.indexOf('(');
      int close0 = open0 < 0 ? -1 : it.indexOf(')', open0);
      // The colon after the role, if any: a role name may hold one.
      int colon = it.indexOf(':', Math.max(0, close0));
      String name = colon < 0 ? it : it.substring(0, colon).trim();
      String role = "";
      int open = name.indexOf('(');
      if (open >= 0) {
        if (!name.endsWith(")")) {
          throw new InvalidResourcesException("expected name(role):value in '" + it + "'");
        }
        role = name.substring(open + 1, name.length() - 1).trim();
        String problem = role.isEmpty() ? "a role name may not be empty" : RoleNames.problem(role);
        if (problem != null) {
          throw new InvalidResourcesException("invalid reservation in '" + it + "': " + problem);
        }
        if (role.equals(RoleNames.DEFAULT)) {
          role = "";
        }
        it = name.substring(0, open).trim() + (colon < 0 ? "" : it.substring(colon));
      }
      StringBuilder b = byRole.computeIfAbsent(role, r -> new StringBuilder());
      b.append(b.length() == 0 ? "" : ";").append(it);
    }
    Map<String, Resources> reserved = new TreeMap<>();
    Resources unreserved = Resources.EMPTY;
    for (Map.Entry<String, StringBuilder> e : byRole.entrySet()) {
      Resources r;
      try {
        r = Resources.parse(e.getValue().toString());
      } catch (InvalidResourcesException ex) {
        throw e.getKey().isEmpty() ? ex
            : new InvalidResourcesException(ex.getMessage() + " (reserved to " + e.getKey() + ")");
      }
      if (e.getKey().isEmpty()) {
        unreserved = r;
      } else {
        reserved.put(e.getKey(), r);
      }
    }
    return of(unreserved, reserved);
  }

  /** Validates and converts protocol resources, each in the pool its {@code reservation} names. */
  public static PooledResources fromProto(List<Resource> resources) {
    Map<String, List<Resource>> byRole = new TreeMap<>();
    for (Resource r : resources) {
      byRole.computeIfAbsent(r.getReservation(), k -> new ArrayList<>()).add(r);
    }
    if (byRole.size() == 1 && byRole.containsKey("")) {
      return of(Resources.fromProto(resources));
    }
    Map<String, Resources> reserved = new TreeMap<>();
    Resources unreserved = Resources.EMPTY;
    for (Map.Entry<String, List<Resource>> e : byRole.entrySet()) {
      Resources r = Resources.fromProto(e.getValue());
      if (e.getKey().isEmpty() || e.getKey().equals(RoleNames.DEFAULT)) {
        unreserved = unreserved.plus(r);
      } else {
        reserved.put(e.getKey(), r);
      }
    }
    return of(unreserved, reserved);
  }

  /** Each resource with its pool in {@code reservation}: the unreserved ones first, then by role. */
  public List<Resource> toProto() {
    if (reserved.isEmpty()) {
      return unreserved.toProto();
    }
    List<Resource> out = new ArrayList<>(unreserved.toProto());
    reserved.forEach((role, r) -> {
      for (Resource res : r.toProto()) {
        out.add(res.toBuilder().setReservation(role).build());
      }
    });
    return List.copyOf(out);
  }

  public Resources unreserved() {
    return unreserved;
  }

  /** Reserved resources by role (no empty entries). */
  public Map<String, Resources> reserved() {
    return Collections.unmodifiableMap(reserved);
  }

  /** What is reserved to {@code role} itself (not to its sub-roles). */
  public Resources reserved(String role) {
    return reserved.getOrDefault(role, Resources.EMPTY);
  }

  /** Only the reserved pools. */
  public PooledResources reservedOnly() {
    return reserved.isEmpty() ? EMPTY : new PooledResources(Resources.EMPTY, reserved);
  }

  /** Every pool summed: the amounts, whoever they are for. */
  public Resources all() {
    Resources a = all;
    if (a == null) {
      a = unreserved;
      for (Resources r : reserved.values()) {
        a = a.plus(r);
      }
      all = a;
    }
    return a;
  }

  public boolean isEmpty() {
    return unreserved.isEmpty() && reserved.isEmpty();
  }

  /** Whether every pool holds at least that pool of {@code other}. */
  public boolean contains(PooledResources other) {
    if (!unreserved.contains(other.unreserved)) {
      return false;
    }
    for (Map.Entry<String, Resources> e : other.reserved.entrySet()) {
      if (!reserved(e.getKey()).contains(e.getValue())) {
        return false;
      }
    }
    return true;
  }

  public PooledResources plus(PooledResources other) {
    if (other.isEmpty()) {
      return this;
    }
    if (isEmpty()) {
      return other;
    }
    TreeMap<String, Resources> r = new TreeMap<>(reserved);
    other.reserved.forEach((role, res) -> r.merge(role, res, Resources::plus));
    return new PooledResources(unreserved.plus(other.unreserved), r);
  }

  /** This without {@code other}, pool by pool; amounts stop at zero (see {@link Resources#minus}). */
  public PooledResources minus(PooledResources other) {
    if (other.isEmpty() || isEmpty()) {
      return this;
    }
    TreeMap<String, Resources> r = new TreeMap<>(reserved);
    other.reserved.forEach((role, res) -> {
      Resources left = r.containsKey(role) ? r.get(role).minus(res) : Resources.EMPTY;
      if (left.isEmpty()) {
        r.remove(role);
      } else {
        r.put(role, left);
      }
    });
    Resources u = unreserved.minus(other.unreserved);
    return u.isEmpty() && r.isEmpty() ? EMPTY : new PooledResources(u, r);
  }

  /**
   * What a framework of {@code role} may be offered or use of this: the unreserved pool and what is
   * reserved to the role or to one of its ancestors ({@code eng}'s reservations serve {@code eng/etl}).
   */
  public PooledResources usableBy(String role) {
    if (reserved.isEmpty()) {
      return this;
    }
    TreeMap<String, Resources> r = new TreeMap<>();
    reserved.forEach((owner, res) -> {
      if (RoleNames.isWithin(role, owner)) {
        r.put(owner, res);
      }
    });
    return unreserved.isEmpty() && r.isEmpty() ? EMPTY : new PooledResources(unreserved, r);
  }

  /**
   * Moves {@code reservations} (reserved pools only) out of the unreserved pool into their roles.
   *
   * @throws InvalidResourcesException if one is unreserved, or the unreserved pool does not hold them
   */
  public PooledResources reserve(PooledResources reservations) {
    if (reservations.isEmpty()) {
      return this;
    }
    if (!reservations.unreserved.isEmpty()) {
      throw new InvalidResourcesException("every resource to reserve needs its role, as cpus(eng):1 ("
          + reservations.unreserved + " names none)");
    }
    Resources wanted = reservations.all();
    if (!unreserved.contains(wanted)) {
      throw new InvalidResourcesException("reserving " + reservations + " needs more than the "
          + (unreserved.isEmpty() ? "nothing" : unreserved.toString()) + " unreserved");
    }
    return new PooledResources(unreserved.minus(wanted), new TreeMap<>()).plus(reservedOnly())
        .plus(reservations);
  }

  /**
   * Moves {@code reservations} (reserved pools only) back into the unreserved pool.
   *
   * @throws InvalidResourcesException if one is unreserved, or is not reserved here
   */
  public PooledResources unreserve(PooledResources reservations) {
    if (!reservations.unreserved.isEmpty()) {
      throw new InvalidResourcesException("every resource to unreserve needs its role, as cpus(eng):1 ("
          + reservations.unreserved + " names none)");
    }
    for (Map.Entry<String, Resources> e : reservations.reserved.entrySet()) {
      if (!reserved(e.getKey()).contains(e.getValue())) {
        Resources have = reserved(e.getKey());
        throw new InvalidResourcesException(e.getValue() + " is not reserved to " + e.getKey() + " ("
            + (have.isEmpty() ? "nothing is" : "only " + have + " is") + ")");
      }
    }
    return minus(reservations).plus(of(reservations.all()));
  }

  /**
   * Takes {@code need} from this: what names a pool comes from that pool; the rest ({@code
   * anyPool}) first from the reserved pools (by role name), then from the unreserved pool, so that a
   * framework offered its role's reservations uses them before the shared pool.
   *
   * @return what was taken, pool by pool, or null if this does not hold it all
   */
  public PooledResources take(PooledResources need, Resources anyPool) {
    if (!contains(need)) {
      return null;
    }
    PooledResources left = minus(need);
    if (!left.all().contains(anyPool)) {
      return null;
    }
    Resources rest = anyPool;
    TreeMap<String, Resources> taken = new TreeMap<>();
    for (Map.Entry<String, Resources> e : left.reserved.entrySet()) {
      if (rest.isEmpty()) {
        break;
      }
      Resources part = common(e.getValue(), rest);
      if (!part.isEmpty()) {
        taken.put(e.getKey(), part);
        rest = rest.minus(part);
      }
    }
    Resources fromShared = common(left.unreserved, rest);
    if (!fromShared.equals(rest)) {
      return null; // ranges split oddly across pools; cannot happen for scalars
    }
    return need.plus(of(fromShared, taken));
  }

  /** What {@code a} and {@code b} have in common: per scalar the smaller amount, per range set the overlap. */
  private static Resources common(Resources a, Resources b) {
    return a.minus(a.minus(b));
  }

  private static void checkRole(String role) {
    String problem = RoleNames.problem(role);
    if (problem == null && role.equals(RoleNames.DEFAULT)) {
      problem = "'*' is the unreserved pool, not a role to reserve to";
    }
    if (problem != null) {
      throw new InvalidResourcesException("invalid reservation: " + problem);
    }
  }

  private static void checkKinds(Resources unreserved, Map<String, Resources> reserved) {
    if (reserved.isEmpty()) {
      return;
    }
    Map<String, Boolean> scalar = new TreeMap<>();
    List<Resources> pools = new ArrayList<>(reserved.values());
    pools.add(unreserved);
    for (Resources r : pools) {
      for (String name : r.scalarMillis().keySet()) {
        if (Boolean.FALSE.equals(scalar.put(name, true))) {
          throw new InvalidResourcesException("resource '" + name + "' given both as a scalar and as ranges");
        }
      }
      for (String name : r.rangeResources().keySet()) {
        if (Boolean.TRUE.equals(scalar.put(name, false))) {
          throw new InvalidResourcesException("resource '" + name + "' given both as a scalar and as ranges");
        }
      }
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PooledResources p && unreserved.equals(p.unreserved) && reserved.equals(p.reserved);
  }

  @Override
  public int hashCode() {
    return Objects.hash(unreserved, reserved);
  }

  /** The flag format: {@code cpus:4;mem:8192;cpus(eng/etl):4;mem(eng/etl):8192}. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(unreserved.toString());
    reserved.forEach((role, r) -> {
      for (String item : r.toString().split(";")) {
        int colon = item.indexOf(':');
        sb.append(sb.length() == 0 ? "" : ";").append(item, 0, colon).append('(').append(role).append(')')
            .append(item.substring(colon));
      }
    });
    return sb.toString();
  }
}
