package io.corral.hadoop.am;

import static org.assertj.core.api.Assertions.assertThat;

import io.corral.common.resources.Resources;
import io.corral.scheduler.LargestAgent;
import org.apache.hadoop.mapreduce.v2.api.records.TaskType;
import org.apache.hadoop.yarn.api.records.Resource;
import org.junit.jupiter.api.Test;

class ContainerLimitTest {
  private static final Resources EXECUTOR = Resources.parse("mem:192");
  private static final LargestAgent LARGEST = new LargestAgent(Resources.parse("cpus:4;mem:4096"));

  @Test
  void aContainerTakesAtLeastOneCpu() {
    assertThat(ContainerLimit.of(Resource.newInstance(1024, 0))).isEqualTo(Resources.parse("cpus:1;mem:1024"));
    assertThat(ContainerLimit.of(Resource.newInstance(512, 3))).isEqualTo(Resources.parse("cpus:3;mem:512"));
  }

  @Test
  void aContainerThatNoAgentCouldHoldWithItsExecutorNamesTheSettingsOfItsKind() {
    assertThat(ContainerLimit.beyondLargestAgent(TaskType.MAP, Resource.newInstance(3904, 4), EXECUTOR, LARGEST))
        .as("exactly the largest agent").isNull();
    assertThat(ContainerLimit.beyondLargestAgent(TaskType.MAP, Resource.newInstance(3905, 1), EXECUTOR, LARGEST))
        .isEqualTo("a map container needs cpus:1;mem:3905 and its agent's TaskTracker executor mem:192, more than any"
            + " agent of the cluster has (the largest agent has cpus:4;mem:4096): lower mapreduce.map.memory.mb /"
            + " mapreduce.map.cpu.vcores (each container takes at least 1 cpu) or corral.tasktracker.memory.mb."
            + " Killing the job.");
    assertThat(ContainerLimit.beyondLargestAgent(TaskType.REDUCE, Resource.newInstance(1024, 5), EXECUTOR, LARGEST))
        .startsWith("a reduce container needs cpus:5;mem:1024").contains("lower mapreduce.reduce.memory.mb /"
            + " mapreduce.reduce.cpu.vcores");
    assertThat(ContainerLimit.beyondLargestAgent(TaskType.MAP, Resource.newInstance(99999, 99), EXECUTOR,
        LargestAgent.UNKNOWN)).as("no agent yet: wait").isNull();
  }
}
