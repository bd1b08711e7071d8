package io.corral.bridges.common;

import io.corral.protocol.Filters;
import io.corral.protocol.Offer;
import io.corral.protocol.TaskInfo;
import java.util.List;
import java.util.Map;

/**
 * Whether the framework wants offers, as the master is told it: an offer it cannot use is declined
 * for a short while when it wants more (other agents may free up soon) and for long when it wants
 * nothing; once a round of offers leaves nothing wanted, offers are suppressed, and revived when
 * something is wanted again. Owned by the {@link FrameworkActor}'s loop; it speaks through the
 * actor's current driver, and asks for nothing once the actor is closing.
 */
public final class OfferDemand {
  private final FrameworkActor actor;
  private final Filters busy;
  private final Filters idle;
  private boolean suppressed;

  /**
   * @param busyRefuseSeconds how long an unused offer is declined for while more is wanted
   * @param idleRefuseSeconds how long while nothing is
   */
  public OfferDemand(FrameworkActor actor, double busyRefuseSeconds, double idleRefuseSeconds) {
    this.actor = actor;
    this.busy = refuse(busyRefuseSeconds);
    this.idle = refuse(idleRefuseSeconds);
  }

  /** A decline (or launch) filter of {@code seconds}. */
  public static Filters refuse(double seconds) {
    return Filters.newBuilder().setRefuseSeconds(seconds).build();
  }

  /** The filter for what is left of an offer: short while more is wanted. */
  public Filters refusal(boolean wantMore) {
    return wantMore ? busy : idle;
  }

  public void decline(String offerId, boolean wantMore) {
    actor.driver().declineOffer(offerId, refusal(wantMore));
  }

  /** Launches {@code tasks} on the offer, what they leave of it declined as {@link #refusal} says. */
  public void launch(String offerId, List<TaskInfo> tasks, boolean wantMore) {
    actor.driver().launchTasks(List.of(offerId), tasks, refusal(wantMore));
  }

  /**
   * Answers a round of offers: launches each offer's tasks ({@code tasksByOffer}, by offer id),
   * declines the offers that got none, then {@link #settle settles}.
   */
  public void answer(List<Offer> offers, Map<String, List<TaskInfo>> tasksByOffer, boolean wantMore) {
    for (Offer o : offers) {
      List<TaskInfo> tasks = tasksByOffer.get(o.getId());
      if (tasks == null || tasks.isEmpty()) {
        decline(o.getId(), wantMore);
      } else {
        launch(o.getId(), tasks, wantMore);
      }
    }
    settle(wantMore);
  }

  /** After a round of offers: when nothing more is wanted, no more offers (once). */
  public void settle(boolean wantMore) {
    if (!wantMore && !suppressed) {
      suppress();
    }
  }

  /** No more offers until {@link #revive}. */
  public void suppress() {
    suppressed = true;
    actor.driver().suppressOffers();
  }

  /** Offers again, every filter cleared (declines included), unless the actor is closing. */
  public void revive() {
    if (!actor.closing()) {
      suppressed = false;
      actor.driver().reviveOffers();
    }
  }

  /** {@link #revive} if offers are suppressed; declines keep their filters otherwise. */
  public void reviveIfSuppressed() {
    if (suppressed) {
      revive();
    }
  }

  public boolean suppressed() {
    return suppressed;
  }
}
