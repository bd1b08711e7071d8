package io.corral.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.corral.common.resources.RangeSet;
import io.corral.common.resources.Resources;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResourceDetectorTest {
  @TempDir Path workDir;

  @Test
  void detectedResourcesArePositive() {
    Resources r = ResourceDetector.detect(workDir);
    assertThat(r.cpus()).isEqualTo(Runtime.getRuntime().availableProcessors()).isPositive();
    assertThat(r.mem()).isPositive();
    assertThat(r.disk()).isPositive();
    assertThat(r.ports()).isEqualTo(RangeSet.of(31000, 32000));
  }

  @Test
  void aWorkDirNotCreatedYetIsMeasuredOnItsFileSystem() {
    assertThat(ResourceDetector.detect(workDir.resolve("not/created/yet")).disk()).isPositive();
  }

  @Test
  void overridesReplaceDetectedValuesByNameAndAddNewOnes() {
    Resources detected = ResourceDetector.detect(workDir);
    Resources r = ResourceDetector.detectWithOverrides(workDir,
        Resources.parse("cpus:2.5;gpus:1;ports:[5000-5009]"));

    assertThat(r.cpus()).as("replaced, not added to").isEqualTo(2.5);
    assertThat(r.scalar("gpus")).isEqualTo(1);
    assertThat(r.ports()).isEqualTo(RangeSet.of(5000, 5009));
    assertThat(r.mem()).as("kept as detected").isEqualTo(detected.mem());
    assertThat(r.disk()).isPositive();
  }

  @Test
  void noOverridesMeansTheDetectedResources() {
    Resources r = ResourceDetector.detectWithOverrides(workDir, Resources.EMPTY);
    Resources detected = ResourceDetector.detect(workDir);
    assertThat(r.cpus()).isEqualTo(detected.cpus());
    assertThat(r.mem()).isEqualTo(detected.mem());
    assertThat(r.ports()).isEqualTo(detected.ports());
  }

  @Test
  void anOverrideMayChangeTheKindOfAResource() {
    Resources r = ResourceDetector.detectWithOverrides(workDir, Resources.parse("ports:4"));
    assertThat(r.scalar("ports")).isEqualTo(4);
    assertThat(r.ports()).isEqualTo(RangeSet.EMPTY);
  }
}
