package io.corral.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine.TypeConversionException;

class DurationConverterTest {

  @ParameterizedTest(name = "{0} = {1} ms")
  @CsvSource({
      "500ms, 500",
      "15s, 15000",
      "15sec, 15000",
      "2secs, 2000",
      "15, 15000",
      "1.5s, 1500",
      "0.25, 250",
      "10m, 600000",
      "10min, 600000",
      "3mins, 180000",
      "2h, 7200000",
      "7d, 604800000",
      "0, 0",
      "'  30 s ', 30000",
      "'5 min', 300000",
  })
  void convertsEveryUnit(String text, long millis) {
    assertThat(new DurationConverter().convert(text)).isEqualTo(Duration.ofMillis(millis));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "abc", "-5s", "5 years", "5S", "1e3", "s", "5s5", "PT5S", "1,5s"})
  void rejectsWhatIsNotADuration(String text) {
    assertThatThrownBy(() -> DurationConverter.parse(text))
        .isInstanceOf(TypeConversionException.class)
        .hasMessageContaining("is not a duration (e.g. 500ms, 15s, 10min, 2h, 7d)");
  }
}
