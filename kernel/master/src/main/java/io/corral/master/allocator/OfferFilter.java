package io.corral.master.allocator;

import io.corral.common.resources.PooledResources;
import java.time.Instant;

/**
 * The refusals of one framework for one agent, as an immutable list (newest first). Until its
 * expiry, a refusal blocks an offer that is contained in the refused resources; an offer of more
 * (or other) resources is not blocked (Mesos {@code RefusedOfferFilter}). Pool by pool: refusing
 * reserved resources does not block the same amounts unreserved, nor the other way round.
 *
 * @param refused what the framework declined
 * @param expiry the first instant at which the refusal no longer applies
 * @param next older refusals, or null
 */
record OfferFilter(PooledResources refused, Instant expiry, OfferFilter next) {

  /**
   * A list with a new refusal in front. Older refusals that the new one covers (fewer or equal
   * resources, expiring no later) are dropped, so repeated declines do not pile up.
   */
  static OfferFilter prepend(PooledResources refused, Instant expiry, OfferFilter list) {
    OfferFilter kept = null;
    for (OfferFilter f = list; f != null; f = f.next) {
      boolean covered = refused.contains(f.refused) && !f.expiry.isAfter(expiry);
      if (!covered) {
        kept = new OfferFilter(f.refused, f.expiry, kept);
      }
    }
    // The survivors were reversed above; their order does not matter.
    return new OfferFilter(refused, expiry, kept);
  }

  /** Whether some refusal in the list blocks offering {@code offered} (expiry not checked). */
  boolean blocks(PooledResources offered) {
    for (OfferFilter f = this; f != null; f = f.next) {
      if (f.refused.contains(offered)) {
        return true;
      }
    }
    return false;
  }

  /** The list without refusals expired at {@code now}, or null if none is left. */
  OfferFilter withoutExpired(Instant now) {
    OfferFilter kept = null;
    for (OfferFilter f = this; f != null; f = f.next) {
      if (now.isBefore(f.expiry)) {
        kept = new OfferFilter(f.refused, f.expiry, kept);
      }
    }
    return kept;
  }

  /** The earliest expiry in the list. */
  Instant earliestExpiry() {
    Instant min = expiry;
    for (OfferFilter f = next; f != null; f = f.next) {
      if (f.expiry.isBefore(min)) {
        min = f.expiry;
      }
    }
    return min;
  }
}
