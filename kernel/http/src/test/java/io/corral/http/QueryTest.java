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
    assertThat(q.duration("grace")).isEqualTo(Duration.ofSeconds(30));
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
    assertThatThrownBy(() -> Query.parse("grace=soon", KNOWN).duration("grace")).hasMessageContaining("duration");
    assertThatThrownBy(() -> Query.parse("completed=maybe", KNOWN).boolValue("completed", true))
        .hasMessageContaining("true or false");
  }
}
