package io.corral.storm;

/**
 * The Supervisors withheld in the scheduling round under way: {@link CorralINimbus} takes the
 * fleet's view once a round, when Nimbus asks it for the slots, and {@link DemandScheduler} acts on
 * the same view when Nimbus schedules right after, so that what Storm may use and what is drained
 * agree. Both run on Nimbus's scheduling thread, under its scheduling lock.
 */
final class RoundWithheld {
  private volatile SupervisorFleet.Withheld current = SupervisorFleet.Withheld.NONE;

  void set(SupervisorFleet.Withheld w) {
    current = w;
  }

  SupervisorFleet.Withheld get() {
    return current;
  }
}
