package io.corral.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class DemoPartTest {
  private static DemoPart failing(Exception e) {
    return new DemoPart() {
      @Override
      public String title() {
        return "broken part";
      }

      @Override
      public PartResult run(DemoEnv env) throws Exception {
        throw e;
      }
    };
  }

  @Test
  void aFailureIsAFailedResultWithItsReasonNeverAnException() {
    PartResult r = DemoPart.runTimed(failing(new DemoFailure("the driver exited 1; see x.log")), null);
    assertThat(r.ok()).isFalse();
    assertThat(r.lines()).singleElement().asString()
        .matches("  broken part: the driver exited 1; see x\\.log in [0-9.]+ s \\(FAILED\\)");
    PartResult bug = DemoPart.runTimed(failing(new IllegalStateException("boom")), null);
    assertThat(bug.ok()).isFalse();
    assertThat(bug.summary()).isEqualTo("java.lang.IllegalStateException: boom");
  }

  @Test
  void detailsAreIndentedUnderTheirPart() {
    PartResult r = new PartResult("spark wordcount", true, 12.34, "1280 words", List.of("executors: 1@h 2@h"));
    assertThat(r.lines()).containsExactly("  spark wordcount: 1280 words in 12.3 s (ok)", "    executors: 1@h 2@h");
  }
}
