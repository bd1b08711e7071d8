package io.corral.demo;

import io.corral.local.LocalCluster;
import java.nio.file.Path;

/**
 * What every part of the demo runs on: the local cluster, the ZooKeeper it uses, this installation
 * ({@code bridges/} under {@code home}) and the demo's work directory.
 */
public record DemoEnv(LocalCluster cluster, String zkConnect, Path home, Path workDir) {
  /** The master's gRPC address, host:port. */
  public String master() {
    return cluster.masterAddress().toString();
  }

  /** {@code bridges/<bridge>/<name>} of this installation; a clear failure when it is not there. */
  Path installed(String bridge, String name) throws DemoFailure {
    Path p = home.resolve("bridges").resolve(bridge).resolve(name).toAbsolutePath().normalize();
    if (!java.nio.file.Files.exists(p)) {
      throw new DemoFailure("not found: " + p + " (run the demo from the distribution: bin/corral demo)");
    }
    return p;
  }

  /** This installation's {@code bin/corral}; a clear failure when it is not there. */
  Path launcher() throws DemoFailure {
    Path p = home.resolve("bin").resolve("corral").toAbsolutePath().normalize();
    if (!java.nio.file.Files.isExecutable(p)) {
      throw new DemoFailure("not found: " + p + " (run the demo from the distribution: bin/corral demo)");
    }
    return p;
  }

  /** A directory of its own for one part. */
  Path dir(String part) throws java.io.IOException {
    return java.nio.file.Files.createDirectories(workDir.resolve(part));
  }
}
