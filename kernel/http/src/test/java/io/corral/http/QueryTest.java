package io.corral.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

class QueryTest {
  private static final Set<String> KNOWN = Set.of("state", "limit", "grace", "completed");

  @Test
  void parsesDecodesAndTypesValues() {
    Query q = Query.parse("state=TASK_RUNNING&limit=5&grace=30s&completed=false&x", Set.of("state", "limit", "grace",
        "completed", "x"));
    assertThat(q.get("state")).isEqualTo("TASK_RUNNING");
    assertThat(q.intValue("limit", 0, 0, 10)).isEqualTo(5);
    assertThat(q.duration("grace", Duration.ofDays(1))).isEqualTo(Duration.ofSeconds(30));
    assertThat(q.boolValue("completed", true)).isFalse();
    assertThat(q.get("x")).isNull();
    assertThat(Query.parse("state=a%20b", KNOWN).get("state")).isEqualTo("a b");
    assertThat(Query.parse(null, Set.of()).get("anything")).isNull();
  }

  @Test
  void refusesWhatItDoesNotKnowOrCannotRead() {
    assertThatThrownBy(() -> Query.parse("stat=x", KNOWN)).isInstanceOf(ApiException.class)
        .hasMessageContaining("unknown query parameter 'stat'").extracting("status").isEqualTo(400);
    assertThatThrownBy(() -> Query.parse("state=a&state=b", KNOWN)).hasMessageContaining("twice");
    assertThatThrownBy(() -> Query.parse("state=%zz", KNOWN)).hasMessageContaining("malformed");
    assertThatThrownBy(() -> Query.parse("limit=ten", KNOWN).intValue("limit", 0, 0, 10))
        .hasMessageContaining("whole number");
    assertThatThrownBy(() -> Query.parse("limit=11", KNOWN).intValue("limit", 0, 0, 10))
        .hasMessageContaining("between 0 and 10");
    assertThatThrownBy(() -> Query.parse("grace=soon", KNOWN).duration("grace", Duration.ofDays(1)))
        .hasMessageContaining("duration");
    assertThatThrownBy(() -> Query.parse("completed=maybe", KNOWN).boolValue("completed", true))
        .hasMessageContaining("true or false");
  }

  @Test
  void durationsAreBoundedAndTheRefusalNamesTheMaximum() {
    // 106752 days is beyond what a Duration holds in nanoseconds: it once became a 500 (long overflow)
    for (String huge : java.util.List.of("106752d", "999999999999d", "366d")) {
      assertThatThrownBy(() -> Query.parse("grace=" + huge, KNOWN).duration("grace", Duration.ofDays(365)))
          .isInstanceOf(ApiException.class).hasMessage("grace must be at most 365d, not " + huge)
          .extracting("status").isEqualTo(400);
    }
    assertThat(Query.parse("grace=365d", KNOWN).duration("grace", Duration.ofDays(365))).isEqualTo(Duration.ofDays(365));
    assertThatThrownBy(() -> Query.parse("grace=2h", KNOWN).duration("grace", Duration.ofMinutes(90)))
        .hasMessage("grace must be at most 90min, not 2h");
  }
}
