package io.corral.frameworks.common.election;

import java.util.Optional;

/**
 * Who answers a framework's API: this instance while it leads ({@link #leading}), else the leader at
 * {@link #leaderUrl}, to which a standby passes requests on ({@code LeaderProxy}).
 */
public interface Leadership {
  /** Whether this instance leads and serves its API now. */
  boolean leading();

  /** The leader's HTTP URL as the election has it (this instance's own once elected); empty when none is known. */
  Optional<String> leaderUrl();

  /** One instance alone, without an election: it leads from the start, at {@code url}. */
  static Leadership solo(String url) {
    return new Leadership() {
      @Override
      public boolean leading() {
        return true;
      }

      @Override
      public Optional<String> leaderUrl() {
        return Optional.of(url);
      }
    };
  }
}
