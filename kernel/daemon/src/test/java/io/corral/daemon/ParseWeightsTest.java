package io.corral.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code corral master --weights}. */
class ParseWeightsTest {

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(strings = {"  "})
  void noSpecMeansNoWeights(String spec) {
    assertThat(MasterCommand.parseWeights(spec)).isEmpty();
  }

  @Test
  void parsesRoleWeightPairsInOrder() {
    assertThat(MasterCommand.parseWeights("analytics=1,prod=3,eng/ml=0.5"))
        .containsExactly(entry("analytics", 1.0), entry("prod", 3.0), entry("eng/ml", 0.5));
  }

  @Test
  void whitespaceAroundItemsIsIgnored() {
    assertThat(MasterCommand.parseWeights(" a = 2 , b=0.25 "))
        .containsExactly(entry("a", 2.0), entry("b", 0.25));
  }

  @ParameterizedTest
  @ValueSource(strings = {"prod", "prod:3", "a=1,b", "=3", " =3"})
  void anItemWithoutRoleOrWeightIsRefused(String spec) {
    assertThatThrownBy(() -> MasterCommand.parseWeights(spec))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected role=weight in '");
  }

  @ParameterizedTest
  @ValueSource(strings = {"prod=three", "prod=", "prod=1x"})
  void aWeightThatIsNotANumberIsNamedInTheMessage(String spec) {
    assertThatThrownBy(() -> MasterCommand.parseWeights(spec))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("weight of role 'prod' is not a number");
  }

  @Test
  void aRoleGivenTwiceIsRefused() {
    assertThatThrownBy(() -> MasterCommand.parseWeights("prod=1,dev=1,prod=3"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("role 'prod' given twice");
  }

  @ParameterizedTest
  @ValueSource(strings = {"-prod=1", "eng/=2", "a//b=1", "eng/*=1"})
  void anInvalidRoleNameIsRefusedWithTheReason(String spec) {
    assertThatThrownBy(() -> MasterCommand.parseWeights(spec))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("role '");
  }
}
