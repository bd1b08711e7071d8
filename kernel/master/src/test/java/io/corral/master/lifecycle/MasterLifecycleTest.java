package io.corral.master.lifecycle;

import static io.corral.master.lifecycle.MasterLifecycle.Action.EXIT_LEADERSHIP_LOST;
import static io.corral.master.lifecycle.MasterLifecycle.Action.EXIT_SESSION_LOST;
import static io.corral.master.lifecycle.MasterLifecycle.Action.EXIT_STOPPED;
import static io.corral.master.lifecycle.MasterLifecycle.Action.OPEN;
import static io.corral.master.lifecycle.MasterLifecycle.Action.PAUSE;
import static io.corral.master.lifecycle.MasterLifecycle.Action.RESUME;
import static io.corral.master.lifecycle.MasterLifecycle.Action.START_RECOVERY;
import static io.corral.master.lifecycle.MasterLifecycle.Event.ELECTED;
import static io.corral.master.lifecycle.MasterLifecycle.Event.LEADERSHIP_LOST;
import static io.corral.master.lifecycle.MasterLifecycle.Event.RECOVERED;
import static io.corral.master.lifecycle.MasterLifecycle.Event.STOP;
import static io.corral.master.lifecycle.MasterLifecycle.Event.ZK_RECONNECTED;
import static io.corral.master.lifecycle.MasterLifecycle.Event.ZK_SESSION_LOST;
import static io.corral.master.lifecycle.MasterLifecycle.Event.ZK_SUSPENDED;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MasterLifecycleTest {

  @Test
  void aStandbyIsElectedRecoversAndLeads() {
    MasterLifecycle l = new MasterLifecycle();
    assertThat(l.phase()).isEqualTo(MasterPhase.STANDBY);
    assertThat(l.apply(ELECTED).actions()).containsExactly(OPEN, START_RECOVERY);
    assertThat(l.phase()).isEqualTo(MasterPhase.RECOVERING);
    assertThat(l.apply(RECOVERED).actions()).isEmpty();
    assertThat(l.phase()).isEqualTo(MasterPhase.ACTIVE);
    assertThat(l.apply(ELECTED).actions()).as("elected twice").isEmpty();
  }

  @Test
  void aSuspendedConnectionPausesAndResumesWhereItWas() {
    MasterLifecycle recovering = new MasterLifecycle();
    recovering.apply(ELECTED);
    assertThat(recovering.apply(ZK_SUSPENDED).actions()).containsExactly(PAUSE);
    assertThat(recovering.phase()).isEqualTo(MasterPhase.SUSPENDED);
    assertThat(recovering.apply(ZK_RECONNECTED).actions()).containsExactly(RESUME);
    assertThat(recovering.phase()).as("not recovered yet").isEqualTo(MasterPhase.RECOVERING);

    MasterLifecycle active = new MasterLifecycle();
    active.apply(ELECTED);
    active.apply(RECOVERED);
    active.apply(ZK_SUSPENDED);
    assertThat(active.apply(ZK_RECONNECTED).actions()).containsExactly(RESUME);
    assertThat(active.phase()).isEqualTo(MasterPhase.ACTIVE);
  }

  @Test
  void aLostSessionOrLeadershipEndsTheMasterWithItsCode() {
    MasterLifecycle a = new MasterLifecycle();
    a.apply(ELECTED);
    a.apply(ZK_SUSPENDED);
    assertThat(a.apply(ZK_SESSION_LOST).actions()).containsExactly(EXIT_SESSION_LOST);
    assertThat(a.phase()).isEqualTo(MasterPhase.EXITING);
    assertThat(a.apply(LEADERSHIP_LOST).actions()).as("already exiting").isEmpty();

    MasterLifecycle b = new MasterLifecycle();
    b.apply(ELECTED);
    assertThat(b.apply(LEADERSHIP_LOST).actions()).containsExactly(EXIT_LEADERSHIP_LOST);

    MasterLifecycle standby = new MasterLifecycle();
    assertThat(standby.apply(LEADERSHIP_LOST).actions()).as("a standby never led").isEmpty();
    assertThat(standby.apply(ZK_SUSPENDED).actions()).isEmpty();
    assertThat(standby.apply(ZK_SESSION_LOST).actions()).containsExactly(EXIT_SESSION_LOST);
  }

  @Test
  void stopEndsEveryPhaseOnce() {
    for (MasterLifecycle.Event before : new MasterLifecycle.Event[] {RECOVERED, ELECTED, ZK_SUSPENDED}) {
      MasterLifecycle l = new MasterLifecycle();
      l.apply(before);
      assertThat(l.apply(STOP).actions()).containsExactly(EXIT_STOPPED);
      assertThat(l.apply(STOP).actions()).isEmpty();
      assertThat(l.apply(ELECTED).actions()).isEmpty();
    }
  }
}
