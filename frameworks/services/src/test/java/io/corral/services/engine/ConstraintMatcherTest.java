package io.corral.services.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.corral.services.app.Constraint;
import io.corral.services.app.Constraint.Operator;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConstraintMatcherTest {
  private static Placement at(String host, String rack) {
    return new Placement(host, rack == null ? Map.of() : Map.of("rack", rack));
  }

  private static boolean meets(String field, Operator op, String value, Placement candidate, Placement... placed) {
    return ConstraintMatcher.meets(new Constraint(field, op, value), candidate, List.of(placed));
  }

  @Test
  void uniqueRefusesAValueAlreadyUsed() {
    assertThat(meets("hostname", Operator.UNIQUE, null, at("a", "r1"))).isTrue();
    assertThat(meets("hostname", Operator.UNIQUE, null, at("a", "r1"), at("b", "r1"))).isTrue();
    assertThat(meets("hostname", Operator.UNIQUE, null, at("a", "r1"), at("a", "r2"))).isFalse();
    assertThat(meets("rack", Operator.UNIQUE, null, at("c", "r1"), at("a", "r1"))).isFalse();
    assertThat(meets("rack", Operator.UNIQUE, null, at("c", "r2"), at("a", "r1"))).isTrue();
  }

  @Test
  void clusterKeepsEveryTaskWithTheFirstOrTheGivenValue() {
    assertThat(meets("hostname", Operator.CLUSTER, null, at("a", null))).isTrue();
    assertThat(meets("hostname", Operator.CLUSTER, null, at("a", null), at("a", null))).isTrue();
    assertThat(meets("hostname", Operator.CLUSTER, null, at("b", null), at("a", null))).isFalse();
    assertThat(meets("hostname", Operator.CLUSTER, "a", at("b", null))).isFalse();
    assertThat(meets("rack", Operator.CLUSTER, "r1", at("b", "r1"), at("a", "r1"))).isTrue();
    assertThat(meets("rack", Operator.CLUSTER, "r1", at("b", "r2"))).isFalse();
    assertThat(meets("rack", Operator.CLUSTER, "", at("b", "r2"), at("a", "r1"))).isFalse();
  }

  @Test
  void likeAndUnlikeMatchTheWholeValue() {
    assertThat(meets("rack", Operator.LIKE, "r[1-3]", at("a", "r2"))).isTrue();
    assertThat(meets("rack", Operator.LIKE, "r[1-3]", at("a", "r22"))).as("a partial match is no match").isFalse();
    assertThat(meets("rack", Operator.LIKE, "r", at("a", "r2"))).isFalse();
    assertThat(meets("rack", Operator.UNLIKE, "r[1-3]", at("a", "r7"))).isTrue();
    assertThat(meets("rack", Operator.UNLIKE, "r[1-3]", at("a", "r1"))).isFalse();
    assertThat(meets("hostname", Operator.LIKE, "web-.*", at("web-1", null))).isTrue();
    assertThat(meets("rack", Operator.LIKE, "(", at("a", "r1"))).as("an invalid regex matches nothing").isFalse();
  }

  @Test
  void aMissingAttributePassesOnlyUnlike() {
    for (Operator op : Operator.values()) {
      boolean passes = meets("rack", op, op == Operator.MAX_PER ? "1" : "r1", at("a", null));
      assertThat(passes).as(op.name()).isEqualTo(op == Operator.UNLIKE);
    }
  }

  @Test
  void maxPerAllowsThatManyTasksPerValue() {
    Placement r1a = at("a", "r1");
    assertThat(meets("rack", Operator.MAX_PER, "2", at("b", "r1"), r1a)).isTrue();
    assertThat(meets("rack", Operator.MAX_PER, "2", at("b", "r1"), r1a, at("c", "r1"))).isFalse();
    assertThat(meets("rack", Operator.MAX_PER, "2", at("b", "r2"), r1a, at("c", "r1"))).isTrue();
    assertThat(meets("hostname", Operator.MAX_PER, "1", at("a", null), at("a", null))).isFalse();
    assertThat(meets("hostname", Operator.MAX_PER, "x", at("a", null))).as("not a number").isFalse();
  }

  @Test
  void isRequiresTheValue() {
    assertThat(meets("rack", Operator.IS, "r1", at("a", "r1"))).isTrue();
    assertThat(meets("rack", Operator.IS, "r1", at("a", "r10"))).isFalse();
    assertThat(meets("hostname", Operator.IS, "a", at("a", null))).isTrue();
  }

  @Test
  void groupByPlacesOnlyInTheSmallestGroupOnceEnoughGroupsAreSeen() {
    Placement r1 = at("a", "r1");
    Placement r2 = at("b", "r2");
    assertThat(meets("rack", Operator.GROUP_BY, null, at("c", "r1"), r1, r2)).isTrue();
    assertThat(meets("rack", Operator.GROUP_BY, null, at("c", "r1"), r1, r2, at("d", "r1"))).isFalse();
    assertThat(meets("rack", Operator.GROUP_BY, null, at("c", "r3"), r1, r2, at("d", "r1")))
        .as("a value not used yet").isTrue();
    assertThat(meets("rack", Operator.GROUP_BY, "3", at("c", "r1"), r1, r2))
        .as("three racks expected, two seen: a used rack waits").isFalse();
    assertThat(meets("rack", Operator.GROUP_BY, "3", at("c", "r3"), r1, r2)).isTrue();
  }

  @Test
  void groupBySpreadsTasksEvenlyOverOffersInAnyOrder() {
    List<Placement> placed = new ArrayList<>();
    List<Placement> agents = List.of(at("a", "r1"), at("b", "r1"), at("c", "r2"), at("d", "r3"));
    Constraint c = new Constraint("rack", Operator.GROUP_BY, "3");
    for (int round = 0; round < 9; round++) {
      for (Placement agent : agents) {
        if (placed.size() < 9 && ConstraintMatcher.meets(c, agent, placed)) {
          placed.add(agent);
        }
      }
    }
    assertThat(placed).hasSize(9);
    assertThat(placed.stream().filter(p -> p.value("rack").equals("r1")).count()).isEqualTo(3);
    assertThat(placed.stream().filter(p -> p.value("rack").equals("r2")).count()).isEqualTo(3);
    assertThat(placed.stream().filter(p -> p.value("rack").equals("r3")).count()).isEqualTo(3);
  }
}
