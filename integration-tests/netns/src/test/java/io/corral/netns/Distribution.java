package io.corral.netns;

import java.nio.file.Files;
import java.nio.file.Path;

/** The unpacked distribution the tests run (dist/target/corral, assembled before this module). */
final class Distribution {
  private Distribution() {}

  static Path home() {
    String prop = System.getProperty("corral.dist.home", "../../dist/target/corral");
    Path home = Path.of(prop).toAbsolutePath().normalize();
    if (!Files.isExecutable(home.resolve("bin/corral"))) {
      throw new AssertionError("no distribution at " + home + " (bin/corral): assemble it first, e.g. "
          + "./mvnw -pl dist -am package -DskipTests, or run this module within the whole build");
    }
    return home;
  }
}
