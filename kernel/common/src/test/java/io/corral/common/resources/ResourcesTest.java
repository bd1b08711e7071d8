package io.corral.common.resources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ResourcesTest {

  @Test
  void parsesTheAgentFlagFormat() {
    Resources r = Resources.parse("cpus:4; mem:8192;disk:100.5;ports:[31000-32000,33000-33001]");
    assertThat(r.cpus()).isEqualTo(4.0);
    assertThat(r.mem()).isEqualTo(8192.0);
    assertThat(r.disk()).isEqualTo(100.5);
    assertThat(r.ports().size()).isEqualTo(1003);
    assertThat(r.toString()).isEqualTo("cpus:4;disk:100.5;mem:8192;ports:[31000-32000,33000-33001]");
    assertThat(Resources.parse(r.toString())).isEqualTo(r);
  }

  @Test
  void scalarArithmeticDoesNotDrift() {
    Resources tenth = Resources.builder().cpus(0.1).build();
    Resources sum = Resources.EMPTY;
    for (int i = 0; i < 30; i++) {
      sum = sum.plus(tenth);
    }
    assertThat(sum.cpus()).isEqualTo(3.0);
    for (int i = 0; i < 30; i++) {
      assertThat(sum.contains(tenth)).isTrue();
      sum = sum.minus(tenth);
    }
    assertThat(sum.isEmpty()).isTrue();
  }

  @Test
  void containsChecksScalarsAndRanges() {
    Resources offer = Resources.parse("cpus:2;mem:1024;ports:[31000-31010]");
    assertThat(offer.contains(Resources.parse("cpus:1;ports:[31005-31006]"))).isTrue();
    assertThat(offer.contains(Resources.parse("cpus:2.001"))).isFalse();
    assertThat(offer.contains(Resources.parse("ports:[31010-31011]"))).isFalse();
    assertThat(offer.contains(Resources.parse("gpus:1"))).isFalse();
  }

  @Test
  void minusSplitsRanges() {
    Resources r = Resources.parse("ports:[1-10]").minus(Resources.parse("ports:[3-4,8]"));
    assertThat(r.ports().toString()).isEqualTo("[1-2,5-7,9-10]");
    assertThat(RangeSet.parse("[1-10]").minus(RangeSet.parse("[0-20]")).isEmpty()).isTrue();
    assertThat(RangeSet.parse("[1-10,20-30]").minus(RangeSet.parse("[5-25]")).toString())
        .isEqualTo("[1-4,26-30]");
  }

  @Test
  void rangesMergeAndTake() {
    RangeSet s = RangeSet.parse("[5-6,1-3,4]");
    assertThat(s.toString()).isEqualTo("[1-6]");
    assertThat(s.take(2).toString()).isEqualTo("[1-2]");
    assertThat(s.take(7)).isNull();
  }

  @Test
  void maxTakesEachResourceFromWhicheverHasMore() {
    Resources a = Resources.parse("cpus:4;mem:1024;ports:[31000-31009]");
    Resources b = Resources.parse("cpus:0.5;mem:8192;disk:100;gpus:1;ports:[31005-31020]");
    Resources max = a.max(b);
    assertThat(max).isEqualTo(Resources.parse("cpus:4;mem:8192;disk:100;gpus:1;ports:[31000-31020]"));
    assertThat(b.max(a)).isEqualTo(max);
    assertThat(max.contains(a)).isTrue();
    assertThat(max.contains(b)).isTrue();
    assertThat(a.max(Resources.EMPTY)).isSameAs(a);
    assertThat(Resources.EMPTY.max(b)).isSameAs(b);
  }

  @Test
  void rejectsBadInput() {
    assertThatThrownBy(() -> Resources.parse("cpus:-1")).hasMessageContaining("negative");
    assertThatThrownBy(() -> Resources.parse("cpus:NaN")).hasMessageContaining("NaN");
    assertThatThrownBy(() -> Resources.parse("cpus:Infinity")).hasMessageContaining("Infinity");
    assertThatThrownBy(() -> Resources.parse("cpus")).hasMessageContaining("name:value");
    assertThatThrownBy(() -> Resources.parse("cpus:1;cpus:2")).hasMessageContaining("twice");
    assertThatThrownBy(() -> Resources.parse("ports:[10-1]")).hasMessageContaining("invalid range");
    assertThatThrownBy(() -> Resources.parse("ports:[1-2")).hasMessageContaining("brackets");
    assertThatThrownBy(() -> Resources.parse("9cpus:1")).hasMessageContaining("name");
    assertThatThrownBy(() -> Resources.parse("mem:abc")).hasMessageContaining("not a number");
    assertThatThrownBy(() -> Resources.parse("ports:[1-2,]")).hasMessageContaining("empty range");
    assertThatThrownBy(
            () ->
                Resources.fromProto(
                    List.of(
                        io.corral.protocol.Resource.newBuilder()
                            .setName("cpus")
                            .setScalar(Double.NaN)
                            .build())))
        .isInstanceOf(InvalidResourcesException.class);
  }

  @Test
  void protoRoundTrip() {
    Resources r = Resources.parse("cpus:0.25;mem:64;ports:[31000-31001]");
    assertThat(Resources.fromProto(r.toProto())).isEqualTo(r);
  }

  @Test
  void attributesParse() {
    var attrs = Attributes.parse("rack:r1;zone:a;gen:3");
    assertThat(attrs).hasSize(3);
    assertThat(attrs.get(2).getScalar()).isEqualTo(3.0);
    assertThat(Attributes.format(attrs)).isEqualTo("rack:r1;zone:a;gen:3");
    assertThatThrownBy(() -> Attributes.parse("rack")).isInstanceOf(IllegalArgumentException.class);
  }
}
