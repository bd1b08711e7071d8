package io.corral.scheduler;

import io.corral.common.resources.RangeSet;
import io.corral.common.resources.Resources;
import io.corral.protocol.Offer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Queue;
import java.util.function.Function;

/**
 * Packs waiting tasks into offers, first fit in queue order: each offer takes tasks from the
 * head of the queue while they fit (scalars and port counts), and those tasks leave the
 * queue. Ports are chosen from the offer, lowest first.
 */
public final class OfferMatcher {
  private OfferMatcher() {}

  /** A task placed on an offer, with the exact resources (ports included) it gets. */
  public record Placed<T>(T task, Resources resources) {}

  /** An offer and what was placed on it (possibly nothing: decline it). */
  public record Match<T>(Offer offer, List<Placed<T>> placed) {
    public boolean isEmpty() {
      return placed.isEmpty();
    }
  }

  public static <T> List<Match<T>> match(Collection<Offer> offers, Queue<T> waiting,
      Function<T, ResourceRequest> need) {
    List<Match<T>> out = new ArrayList<>(offers.size());
    for (Offer offer : offers) {
      Resources left = Resources.fromProto(offer.getResourcesList());
      List<Placed<T>> placed = new ArrayList<>();
      while (!waiting.isEmpty()) {
        ResourceRequest req = need.apply(waiting.peek());
        Resources exact = fit(left, req);
        if (exact == null) {
          break;
        }
        placed.add(new Placed<>(waiting.poll(), exact));
        left = left.minus(exact);
      }
      out.add(new Match<>(offer, placed));
    }
    return out;
  }

  /** The exact resources for {@code req} out of {@code available}, or null if it does not fit. */
  public static Resources fit(Resources available, ResourceRequest req) {
    if (!available.contains(req.scalars())) {
      return null;
    }
    if (req.ports() == 0) {
      return req.scalars();
    }
    RangeSet ports = available.ports().take(req.ports());
    if (ports == null) {
      return null;
    }
    return req.scalars().plus(Resources.builder().ports(ports).build());
  }
}
