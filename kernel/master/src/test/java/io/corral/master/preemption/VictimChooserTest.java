package io.corral.master.preemption;

import static org.assertj.core.api.Assertions.assertThat;

import io.corral.common.resources.Resources;
import io.corral.master.preemption.VictimChooser.Candidate;
import io.corral.master.preemption.VictimChooser.Need;
import io.corral.master.preemption.VictimChooser.Victim;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The rules for which tasks a preemption takes, on hand-made clusters. */
class VictimChooserTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final Resources TOTALS = Resources.parse("cpus:10;mem:10240");

  private final List<Candidate> tasks = new ArrayList<>();
  private final Map<String, Resources> guarantees = new HashMap<>();

  /** A one-cpu task launched {@code second} seconds after T0. */
  private void task(String role, String framework, String id, int second) {
    task(role, framework, id, second, "cpus:1;mem:128", false);
  }

  private void task(String role, String framework, String id, int second, String resources, boolean scheduler) {
    tasks.add(new Candidate(framework, id, "A1", role, Resources.parse(resources), T0.plusSeconds(second), scheduler));
  }

  /** What each role and its ancestors hold: the sum of its tasks (and its sub-roles'). */
  private Map<String, Resources> allocation() {
    Map<String, Resources> out = new HashMap<>();
    for (Candidate c : tasks) {
      String role = c.role();
      out.merge(role, c.resources(), Resources::plus);
      for (int i = role.lastIndexOf('/'); i > 0; i = role.lastIndexOf('/', i - 1)) {
        out.merge(role.substring(0, i), c.resources(), Resources::plus);
      }
    }
    return out;
  }

  private List<String> choose(Need... needs) {
    return new VictimChooser(tasks, allocation(), guarantees, TOTALS).choose(List.of(needs)).stream()
        .map(v -> v.task().taskId()).toList();
  }

  private static Need need(String role, String amount) {
    return new Need(role, Resources.parse(amount));
  }

  @Test
  void withinAFrameworkTheNewestTasksGoFirstAndOnlyAsManyAsNeeded() {
    for (int i = 0; i < 6; i++) {
      task("a", "F1", "t" + i, i);
    }
    assertThat(choose(need("b", "cpus:2.5"))).containsExactly("t5", "t4", "t3");
  }

  @Test
  void theRoleMostOverItsGuaranteeGivesFirstAndTheyEvenOut() {
    guarantees.put("x", Resources.parse("cpus:3"));
    for (int i = 0; i < 5; i++) {
      task("x", "FX", "x" + i, i);      // 5 cpus, 2 over its guarantee
      task("y", "FY", "y" + i, 10 + i); // 5 cpus, no guarantee: 5 over
    }
    // y gives until it is no more over than x (2 cpus over), then they alternate.
    assertThat(choose(need("b", "cpus:5"))).containsExactly("y4", "y3", "y2", "x4", "y1");
  }

  @Test
  void noRoleIsTakenBelowItsOwnGuarantee() {
    guarantees.put("a", Resources.parse("cpus:4"));
    for (int i = 0; i < 6; i++) {
      task("a", "F1", "t" + i, i);
    }
    assertThat(choose(need("b", "cpus:5"))).as("only a's surplus over its guarantee").containsExactly("t5", "t4");
  }

  @Test
  void aSchedulerTaskGoesOnlyOnceItsFrameworksOtherTasksAreGone() {
    task("a", "F1", "am", 9, "cpus:1;mem:128", true);
    task("a", "F1", "t1", 1);
    task("a", "F1", "t2", 2);
    assertThat(choose(need("b", "cpus:2"))).containsExactly("t2", "t1");
    tasks.removeIf(c -> !c.schedulerTask());
    task("a", "F1", "t1", 1);
    task("a", "F1", "t2", 2);
    assertThat(choose(need("b", "cpus:3"))).containsExactly("t2", "t1", "am");
  }

  @Test
  void nothingIsTakenFromTheNeedingRolesOwnSubtreeAndSharedAncestorsDoNotCount() {
    guarantees.put("eng", Resources.parse("cpus:4"));
    guarantees.put("eng/etl", Resources.parse("cpus:2"));
    for (int i = 0; i < 4; i++) {
      task("eng/adhoc", "FA", "adhoc" + i, i);
    }
    task("eng/etl/nightly", "FE", "mine", 9);
    // eng holds exactly its guarantee; moving adhoc's cpus to etl leaves eng's allocation as it is.
    assertThat(choose(need("eng/etl", "cpus:1"))).containsExactly("adhoc3");
  }

  @Test
  void aTaskThatHoldsNoneOfWhatIsLackingIsNotTaken() {
    task("a", "F1", "memory-only", 5, "mem:4096", false);
    task("a", "F1", "cpu", 1);
    assertThat(choose(need("b", "cpus:1"))).containsExactly("cpu");
  }

  @Test
  void frameworksHoldingMoreGiveFirstInsideARole() {
    task("a", "small", "s1", 8);
    for (int i = 0; i < 3; i++) {
      task("a", "big", "b" + i, i);
    }
    assertThat(choose(need("b", "cpus:2"))).containsExactly("b2", "b1");
  }

  @Test
  void severalNeedsAreServedInOrderEachNamedInItsVictims() {
    for (int i = 0; i < 4; i++) {
      task("a", "F1", "t" + i, i);
    }
    List<Victim> victims = new VictimChooser(tasks, allocation(), guarantees, TOTALS)
        .choose(List.of(need("b", "cpus:1"), need("c", "cpus:2")));
    assertThat(victims).extracting(v -> v.task().taskId() + ">" + v.forRole()).containsExactly("t3>b", "t2>c", "t1>c");
  }

  @Test
  void whatCannotBeFoundIsLeftLacking() {
    guarantees.put("a", Resources.parse("cpus:1"));
    task("a", "F1", "t0", 0);
    assertThat(choose(need("b", "cpus:4"))).isEmpty();
  }
}
