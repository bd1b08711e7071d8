package io.corral.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.corral.common.resources.RangeSet;
import io.corral.common.resources.Resources;
import io.corral.protocol.Offer;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import org.junit.jupiter.api.Test;

/** First fit in queue order: what each offer takes, the exact resources (ports) each task gets, what stays waiting. */
class OfferMatcherTest {
  private static final ResourceRequest SMALL = ResourceRequest.of(1, 128);

  private static Offer offer(String id, String resources) {
    return Offer.newBuilder().setId(id).setAgentId("agent-" + id).setHostname("h-" + id)
        .addAllResources(Resources.parse(resources).toProto()).build();
  }

  private static Queue<String> queue(String... tasks) {
    return new ArrayDeque<>(List.of(tasks));
  }

  private static List<List<String>> placedTasks(List<OfferMatcher.Match<String>> matches) {
    return matches.stream().map(m -> m.placed().stream().map(OfferMatcher.Placed::task).toList()).toList();
  }

  @Test
  void eachOfferTakesTasksFromTheHeadWhileTheyFitAndThoseTasksLeaveTheQueue() {
    Queue<String> waiting = queue("a", "b", "c", "d", "e");

    List<OfferMatcher.Match<String>> matches = OfferMatcher.match(
        List.of(offer("1", "cpus:2;mem:1024"), offer("2", "cpus:2;mem:200")), waiting, t -> SMALL);

    assertThat(matches).extracting(m -> m.offer().getId()).containsExactly("1", "2");
    assertThat(placedTasks(matches)).containsExactly(List.of("a", "b"), List.of("c"));
    assertThat(matches.get(0).placed()).extracting(OfferMatcher.Placed::resources)
        .containsOnly(Resources.parse("cpus:1;mem:128"));
    assertThat(waiting).containsExactly("d", "e");
  }

  @Test
  void aTaskThatDoesNotFitStopsTheOfferSoTheQueueKeepsItsOrder() {
    Map<String, ResourceRequest> needs = Map.of("big", ResourceRequest.of(4, 128), "small", SMALL);
    Queue<String> waiting = queue("small", "big", "small");

    List<OfferMatcher.Match<String>> matches =
        OfferMatcher.match(List.of(offer("1", "cpus:3;mem:1024")), waiting, needs::get);

    assertThat(placedTasks(matches)).containsExactly(List.of("small"));
    assertThat(waiting).containsExactly("big", "small");
  }

  @Test
  void anOfferNothingFitsIsAnEmptyMatchToDecline() {
    Queue<String> waiting = queue("a");

    List<OfferMatcher.Match<String>> matches = OfferMatcher.match(
        List.of(offer("1", "cpus:0.5;mem:1024"), offer("2", "cpus:4;mem:64")), waiting, t -> SMALL);

    assertThat(matches).hasSize(2).allMatch(OfferMatcher.Match::isEmpty);
    assertThat(waiting).containsExactly("a");
  }

  @Test
  void everyOfferIsAnsweredEvenWhenNothingWaits() {
    List<OfferMatcher.Match<String>> matches =
        OfferMatcher.match(List.of(offer("1", "cpus:1;mem:128")), queue(), t -> SMALL);

    assertThat(matches).singleElement().satisfies(m -> assertThat(m.isEmpty()).isTrue());
  }

  @Test
  void portsArePickedFromTheOfferLowestFirstAndNeverTwice() {
    ResourceRequest twoPorts = SMALL.withPorts(2);
    Queue<String> waiting = queue("a", "b", "c");

    List<OfferMatcher.Match<String>> matches = OfferMatcher.match(
        List.of(offer("1", "cpus:8;mem:4096;ports:[31000-31000,31005-31007]")), waiting, t -> twoPorts);

    List<OfferMatcher.Placed<String>> placed = matches.get(0).placed();
    assertThat(placed).extracting(OfferMatcher.Placed::task).containsExactly("a", "b");
    assertThat(placed.get(0).resources().ports()).isEqualTo(RangeSet.parse("[31000-31000,31005-31005]"));
    assertThat(placed.get(1).resources().ports()).isEqualTo(RangeSet.parse("[31006-31007]"));
    assertThat(placed.get(0).resources().scalarsOnly()).isEqualTo(Resources.parse("cpus:1;mem:128"));
    assertThat(waiting).as("no port left for c").containsExactly("c");
  }

  @Test
  void fitIsNullWhenAScalarOrThePortsFallShort() {
    Resources offered = Resources.parse("cpus:2;mem:512;disk:100;ports:[31000-31001]");

    assertThat(OfferMatcher.fit(offered, ResourceRequest.of(2, 512))).isEqualTo(Resources.parse("cpus:2;mem:512"));
    assertThat(OfferMatcher.fit(offered, ResourceRequest.of(2.01, 512))).isNull();
    assertThat(OfferMatcher.fit(offered, ResourceRequest.of(1, 513))).isNull();
    assertThat(OfferMatcher.fit(offered, SMALL.withDisk(101))).isNull();
    assertThat(OfferMatcher.fit(offered, SMALL.withPorts(3))).isNull();
    assertThat(OfferMatcher.fit(offered, SMALL.withDisk(100).withPorts(2)))
        .isEqualTo(Resources.parse("cpus:1;mem:128;disk:100;ports:[31000-31001]"));
    assertThat(OfferMatcher.fit(Resources.parse("cpus:1;mem:128"), SMALL.withPorts(1))).as("no ports offered")
        .isNull();
  }
}
