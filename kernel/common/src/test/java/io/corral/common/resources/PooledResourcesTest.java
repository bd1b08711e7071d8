package io.corral.common.resources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.corral.protocol.Resource;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PooledResourcesTest {

  @Test
  void parsesReservationsInTheAgentFlagFormat() {
    PooledResources r = PooledResources.parse("cpus(eng/etl):4;mem(eng/etl):8192;cpus:4;mem:8192;ports(*):[1-2]");

    assertThat(r.unreserved()).isEqualTo(Resources.parse("cpus:4;mem:8192;ports:[1-2]"));
    assertThat(r.reserved()).isEqualTo(Map.of("eng/etl", Resources.parse("cpus:4;mem:8192")));
    assertThat(r.all()).isEqualTo(Resources.parse("cpus:8;mem:16384;ports:[1-2]"));
    assertThat(r.toString()).isEqualTo("cpus:4;mem:8192;ports:[1-2];cpus(eng/etl):4;mem(eng/etl):8192");
    assertThat(PooledResources.parse(r.toString())).isEqualTo(r);
  }

  @Test
  void badReservationsAreOneLineErrors() {
    assertThatThrownBy(() -> PooledResources.parse("cpus(eng//etl):4"))
        .isInstanceOf(InvalidResourcesException.class)
        .hasMessage("invalid reservation in 'cpus(eng//etl):4': role 'eng//etl' contains '//'");
    assertThatThrownBy(() -> PooledResources.parse("cpus():4"))
        .hasMessage("invalid reservation in 'cpus():4': a role name may not be empty");
    assertThatThrownBy(() -> PooledResources.parse("cpus(eng:4"))
        .hasMessage("expected name(role):value in 'cpus(eng:4'");
    assertThatThrownBy(() -> PooledResources.parse("cpus(eng):4;cpus(eng):2"))
        .hasMessage("resource 'cpus' given twice (reserved to eng)");
    assertThatThrownBy(() -> PooledResources.parse("cpus(eng):[1-2];cpus:4"))
        .hasMessage("resource 'cpus' given both as a scalar and as ranges");
    assertThatThrownBy(() -> PooledResources.parse("cpus(eng):-1"))
        .hasMessage("resource 'cpus' is negative: -1.0 (reserved to eng)");
  }

  @Test
  void theWireFormatNamesEachResourcesReservation() {
    PooledResources r = PooledResources.parse("cpus(eng):1;cpus:2");
    List<Resource> proto = r.toProto();

    assertThat(proto).extracting(Resource::getReservation).containsExactly("", "eng");
    assertThat(PooledResources.fromProto(proto)).isEqualTo(r);
    // Readers that know no pools see the amounts.
    assertThat(Resources.fromProto(proto)).isEqualTo(Resources.parse("cpus:3"));
  }

  @Test
  void aRolesReservationsServeItsSubRolesOnly() {
    PooledResources r = PooledResources.parse("cpus(eng):1;cpus(eng/etl):2;cpus(web):4;cpus:8");

    assertThat(r.usableBy("eng/etl/daily")).isEqualTo(PooledResources.parse("cpus(eng):1;cpus(eng/etl):2;cpus:8"));
    assertThat(r.usableBy("eng")).isEqualTo(PooledResources.parse("cpus(eng):1;cpus:8"));
    assertThat(r.usableBy("engineering")).isEqualTo(PooledResources.parse("cpus:8"));
    assertThat(r.usableBy("*")).isEqualTo(PooledResources.parse("cpus:8"));
  }

  @Test
  void reservingMovesUnreservedResourcesIntoTheRoleAndUnreservingBack() {
    PooledResources agent = PooledResources.parse("cpus(eng):1;cpus:4;mem:4096");
    PooledResources reserved = agent.reserve(PooledResources.parse("cpus(eng):1;mem(eng):512;cpus(web):1"));

    assertThat(reserved).isEqualTo(PooledResources.parse("cpus(eng):2;mem(eng):512;cpus(web):1;cpus:2;mem:3584"));
    assertThat(reserved.unreserve(PooledResources.parse("cpus(eng):1;mem(eng):512;cpus(web):1"))).isEqualTo(agent);
  }

  @Test
  void reservingMoreThanIsUnreservedOrUnreservingWhatIsNotReservedIsRefused() {
    PooledResources agent = PooledResources.parse("cpus(eng):1;cpus:4");

    assertThatThrownBy(() -> agent.reserve(PooledResources.parse("cpus(eng):5")))
        .hasMessage("reserving cpus(eng):5 needs more than the cpus:4 unreserved");
    assertThatThrownBy(() -> agent.reserve(PooledResources.parse("cpus:1")))
        .hasMessage("every resource to reserve needs its role, as cpus(eng):1 (cpus:1 names none)");
    assertThatThrownBy(() -> agent.unreserve(PooledResources.parse("cpus(eng):2")))
        .hasMessage("cpus:2 is not reserved to eng (only cpus:1 is)");
    assertThatThrownBy(() -> agent.unreserve(PooledResources.parse("cpus(web):1")))
        .hasMessage("cpus:1 is not reserved to web (nothing is)");
  }

  @Test
  void aTaskTakesWhatNamesAPoolFromItAndTheRestFromReservationsFirst() {
    PooledResources offer = PooledResources.parse("cpus(eng):1;mem(eng):256;cpus:4;mem:4096;ports:[10-12]");

    assertThat(offer.take(PooledResources.EMPTY, Resources.parse("cpus:2;mem:128;ports:[11-11]")))
        .isEqualTo(PooledResources.parse("cpus(eng):1;mem(eng):128;cpus:1;ports:[11-11]"));
    assertThat(offer.take(PooledResources.parse("mem(eng):256"), Resources.parse("mem:100")))
        .isEqualTo(PooledResources.parse("mem(eng):256;mem:100"));
    assertThat(offer.take(PooledResources.parse("cpus(eng):2"), Resources.EMPTY)).isNull();
    assertThat(offer.take(PooledResources.EMPTY, Resources.parse("cpus:6"))).isNull();
  }
}
