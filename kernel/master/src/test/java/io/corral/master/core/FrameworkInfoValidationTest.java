package io.corral.master.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.corral.protocol.FrameworkInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link FrameworkManager#validate(FrameworkInfo)}: what a SUBSCRIBE may carry. */
class FrameworkInfoValidationTest {

  private static FrameworkInfo.Builder info() {
    return FrameworkInfo.newBuilder().setName("analytics").setUser("alice");
  }

  @Test
  void aMinimalFrameworkIsValid() {
    assertThat(FrameworkManager.validate(info().build())).isNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "\t"})
  void theNameIsRequired(String name) {
    assertThat(FrameworkManager.validate(info().setName(name).build())).isEqualTo("framework name is empty");
  }

  @Test
  void theNameHasALengthLimit() {
    assertThat(FrameworkManager.validate(info().setName("n".repeat(256)).build())).isNull();
    assertThat(FrameworkManager.validate(info().setName("n".repeat(257)).build()))
        .isEqualTo("framework name is longer than 256 characters");
  }

  @ParameterizedTest
  @ValueSource(strings = {"*", "prod", "team_a", "analytics.batch", "eng/ml", "a-b", "0", "eng/etl/nightly", ".prod",
      "prod!", "a*"})
  void validRoles(String role) {
    assertThat(FrameworkManager.validate(info().setRole(role).build())).isNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {"-prod", "/prod", "prod/", "a//b", "a b", "a\tb", ".", "..", "a/./b", "a/../b", "eng/-x",
      "eng/*", "*/eng", "a\u007fb"})
  void invalidRoles(String role) {
    assertThat(FrameworkManager.validate(info().setRole(role).build()))
        .startsWith("invalid role: ").contains("role '");
  }

  @Test
  void rolesHaveALengthLimit() {
    assertThat(FrameworkManager.validate(info().setRole("r".repeat(256)).build())).isNull();
    assertThat(FrameworkManager.validate(info().setRole("r".repeat(257)).build()))
        .startsWith("invalid role");
  }

  @Test
  void anEmptyRoleMeansTheDefault() {
    assertThat(FrameworkManager.validate(info().setRole("").build())).isNull();
  }

  @ParameterizedTest
  @ValueSource(doubles = {0, 0.5, 3600, 365 * 24 * 3600.0})
  void failoverTimeoutsUpToAYearAreAccepted(double seconds) {
    assertThat(FrameworkManager.validate(info().setFailoverTimeout(seconds).build())).isNull();
  }

  @ParameterizedTest
  @ValueSource(doubles = {-1, 365 * 24 * 3600.0 + 1, Double.NaN, Double.POSITIVE_INFINITY})
  void failoverTimeoutsOutOfBoundsAreRefused(double seconds) {
    assertThat(FrameworkManager.validate(info().setFailoverTimeout(seconds).build()))
        .startsWith("failover_timeout must be between 0 and one year");
  }

  @Test
  void aGivenIdMustBeAValidId() {
    assertThat(FrameworkManager.validate(info().setId("20250101-000000-abcd-0001").build())).isNull();
    assertThat(FrameworkManager.validate(info().setId("../etc").build()))
        .startsWith("framework id '../etc'");
    assertThat(FrameworkManager.validate(info().setId("..").build())).isEqualTo("framework id '..' is not allowed");
  }
}
