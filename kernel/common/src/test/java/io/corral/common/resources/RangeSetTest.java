package io.corral.common.resources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.corral.protocol.Range;
import io.corral.protocol.Ranges;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Edge cases of {@link RangeSet} beyond what {@link ResourcesTest} covers. */
class RangeSetTest {

  private static RangeSet set(String text) {
    return RangeSet.parse(text);
  }

  @Test
  void adjacentIntervalsMergeButGapsStay() {
    assertThat(set("[1-2]").plus(set("[3-4]"))).hasToString("[1-4]");
    assertThat(set("[1-2]").plus(set("[4-5]"))).hasToString("[1-2,4-5]");
    assertThat(set("[1-10,2-3]")).hasToString("[1-10]");
    assertThat(set("[1-5,3-8]")).hasToString("[1-8]");
    assertThat(set("[7,5,6]")).hasToString("[5-7]");
  }

  @Test
  void parseAcceptsEmptyAndWhitespace() {
    assertThat(set("")).isSameAs(RangeSet.EMPTY);
    assertThat(set("[]")).isSameAs(RangeSet.EMPTY);
    assertThat(set("[ ]")).isSameAs(RangeSet.EMPTY);
    assertThat(set(" [ 31000 - 31002 , 31005 ] ")).hasToString("[31000-31002,31005-31005]");
    assertThat(set("80")).hasToString("[80-80]");
  }

  @Test
  void parseRejectsNegativeInvertedAndGarbage() {
    assertThatThrownBy(() -> set("[-1]")).isInstanceOf(InvalidResourcesException.class)
        .hasMessageContaining("invalid range");
    assertThatThrownBy(() -> set("[5-3]")).hasMessageContaining("invalid range [5-3]");
    assertThatThrownBy(() -> set("[a-b]")).hasMessageContaining("invalid range 'a-b'");
    assertThatThrownBy(() -> set("[1-2,,4]")).isInstanceOf(InvalidResourcesException.class);
    assertThatThrownBy(() -> set("1-2]")).hasMessageContaining("brackets");
    assertThatThrownBy(() -> RangeSet.of(-1, 3)).isInstanceOf(InvalidResourcesException.class);
    assertThatThrownBy(() -> RangeSet.of(3, 2)).isInstanceOf(InvalidResourcesException.class);
    assertThatThrownBy(() -> RangeSet.of(List.of(new long[] {1, 2}, new long[] {4, 3})))
        .hasMessageContaining("invalid range [4-3]");
  }

  @Test
  void sizeAndContains() {
    RangeSet s = set("[1-3,10-10,20-29]");
    assertThat(s.size()).isEqualTo(14);
    assertThat(s.contains(1)).isTrue();
    assertThat(s.contains(3)).isTrue();
    assertThat(s.contains(4)).isFalse();
    assertThat(s.contains(10)).isTrue();
    assertThat(s.contains(29)).isTrue();
    assertThat(s.contains(30)).isFalse();
    assertThat(s.contains(0)).isFalse();
    assertThat(RangeSet.EMPTY.size()).isZero();
    assertThat(RangeSet.EMPTY.contains(0)).isFalse();
  }

  @Test
  void containsAllNeedsEveryValueInsideOneInterval() {
    RangeSet s = set("[1-3,5-7,10-20]");
    assertThat(s.containsAll(RangeSet.EMPTY)).isTrue();
    assertThat(s.containsAll(set("[1-3]"))).isTrue();
    assertThat(s.containsAll(set("[2,6,15-20]"))).isTrue();
    assertThat(s.containsAll(s)).isTrue();
    assertThat(s.containsAll(set("[3-5]"))).as("spans the gap at 4").isFalse();
    assertThat(s.containsAll(set("[0-1]"))).isFalse();
    assertThat(s.containsAll(set("[20-21]"))).isFalse();
    assertThat(s.containsAll(set("[2,8]"))).isFalse();
    assertThat(s.containsAll(set("[25]"))).isFalse();
    assertThat(RangeSet.EMPTY.containsAll(set("[1]"))).isFalse();
  }

  @Test
  void minusHandlesDisjointCoveringAndPartialOverlaps() {
    RangeSet s = set("[10-20,30-40]");
    assertThat(s.minus(RangeSet.EMPTY)).isSameAs(s);
    assertThat(RangeSet.EMPTY.minus(s)).isSameAs(RangeSet.EMPTY);
    assertThat(s.minus(set("[1-5,25,50-60]"))).isEqualTo(s);
    assertThat(s.minus(set("[10]"))).hasToString("[11-20,30-40]");
    assertThat(s.minus(set("[40]"))).hasToString("[10-20,30-39]");
    assertThat(s.minus(set("[15-35]"))).hasToString("[10-14,36-40]");
    assertThat(s.minus(set("[0-100]"))).isEqualTo(RangeSet.EMPTY);
    assertThat(s.minus(set("[11,13,15,17,19]"))).hasToString("[10-10,12-12,14-14,16-16,18-18,20-20,30-40]");
  }

  @Test
  void plusIsAUnionAndKeepsEmptyAsIdentity() {
    RangeSet s = set("[1-3]");
    assertThat(s.plus(RangeSet.EMPTY)).isSameAs(s);
    assertThat(RangeSet.EMPTY.plus(s)).isSameAs(s);
    assertThat(s.plus(set("[2-5,9]"))).hasToString("[1-5,9-9]");
    assertThat(set("[1-3,7-9]").plus(set("[4-6]"))).hasToString("[1-9]");
  }

  @Test
  void takeCrossesIntervalsInOrder() {
    RangeSet s = set("[1-2,5-9]");
    assertThat(s.take(0)).isSameAs(RangeSet.EMPTY);
    assertThat(s.take(-1)).isSameAs(RangeSet.EMPTY);
    assertThat(s.take(1)).hasToString("[1-1]");
    assertThat(s.take(4)).hasToString("[1-2,5-6]");
    assertThat(s.take(7)).isEqualTo(s);
    assertThat(s.take(8)).isNull();
    assertThat(RangeSet.EMPTY.take(1)).isNull();
  }

  @Test
  void equalSetsAreEqualHoweverBuilt() {
    RangeSet a = set("[1-3,5]");
    RangeSet b = RangeSet.of(List.of(new long[] {5, 5}, new long[] {2, 3}, new long[] {1, 1}));
    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
    assertThat(a).isNotEqualTo(set("[1-3]"));
  }

  @Test
  void intervalsAreReadOnly() {
    List<long[]> intervals = set("[1-3,5-6]").intervals();
    assertThat(intervals).hasSize(2);
    assertThat(intervals.get(1)).containsExactly(5, 6);
    assertThatThrownBy(() -> intervals.add(new long[] {8, 9}))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void protoRoundTripAndValidation() {
    RangeSet s = set("[31000-31005,32000]");
    assertThat(RangeSet.fromProto(s.toProto())).isEqualTo(s);
    Ranges overlapping = Ranges.newBuilder()
        .addRange(Range.newBuilder().setBegin(5).setEnd(9))
        .addRange(Range.newBuilder().setBegin(1).setEnd(6))
        .build();
    assertThat(RangeSet.fromProto(overlapping)).hasToString("[1-9]");
    Ranges inverted = Ranges.newBuilder().addRange(Range.newBuilder().setBegin(9).setEnd(1)).build();
    assertThatThrownBy(() -> RangeSet.fromProto(inverted)).isInstanceOf(InvalidResourcesException.class);
    // uint64 values of 2^63 and more arrive as negative longs.
    Ranges huge = Ranges.newBuilder().addRange(Range.newBuilder().setBegin(1).setEnd(-1L)).build();
    assertThatThrownBy(() -> RangeSet.fromProto(huge)).isInstanceOf(InvalidResourcesException.class);
  }

  @Test
  void boundsBeyondTheMaximumAreRefused() {
    long tooBig = RangeSet.MAX_VALUE + 1;
    assertThatThrownBy(() -> RangeSet.of(0, Long.MAX_VALUE))
        .isInstanceOf(InvalidResourcesException.class)
        .hasMessageContaining("beyond the largest value");
    assertThatThrownBy(() -> RangeSet.of(List.of(new long[] {tooBig, tooBig})))
        .hasMessageContaining("beyond the largest value");
    assertThatThrownBy(() -> set("[1-" + Long.MAX_VALUE + "]"))
        .hasMessageContaining("beyond the largest value");
    Ranges huge = Ranges.newBuilder().addRange(Range.newBuilder().setBegin(0).setEnd(tooBig)).build();
    assertThatThrownBy(() -> RangeSet.fromProto(huge)).hasMessageContaining("beyond the largest value");
  }

  @Test
  void arithmeticAtTheMaximumIsExact() {
    long max = RangeSet.MAX_VALUE;
    RangeSet whole = RangeSet.of(0, max);
    assertThat(whole.size()).isEqualTo(max + 1);
    assertThat(whole.plus(RangeSet.of(5, 6))).isEqualTo(whole);
    assertThat(whole.plus(RangeSet.of(max, max))).isEqualTo(whole);
    RangeSet withoutTop = whole.minus(RangeSet.of(max, max));
    assertThat(withoutTop.contains(max)).isFalse();
    assertThat(withoutTop).isEqualTo(RangeSet.of(0, max - 1));
    assertThat(whole.minus(RangeSet.of(0, max))).isEqualTo(RangeSet.EMPTY);
    assertThat(whole.take(max + 1)).isEqualTo(whole);
    assertThat(RangeSet.of(max, max).take(2)).isNull();
    assertThat(RangeSet.fromProto(whole.toProto())).isEqualTo(whole);
  }
}
