package io.corral.hadoop;

import io.corral.bridges.testkit.SourceJar;
import java.io.IOException;
import java.nio.file.Path;


/**
 * Builds the test job jar from {@code src/test/jobs}: those classes are on no classpath, so the
 * tasks can only load them from the job jar the job ships (as with a user's own jar).
 */
final class TestJobJar {
  static final String MAIN_CLASS = "io.corral.hadoop.jobs.TestJobs";

  private TestJobJar() {}

  static Path build(Path sources, Path jar) throws IOException {
    return SourceJar.build(sources, System.getProperty("java.class.path"), MAIN_CLASS, jar);
  }
}
