package io.corral.hadoop.tasktracker;

import java.io.IOException;
import java.util.List;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.yarn.server.api.AuxiliaryLocalPathHandler;

/** The NodeManager's local dirs, for ShuffleHandler: one dir in the executor's sandbox. */
final class SandboxPathHandler implements AuxiliaryLocalPathHandler {
  private final Path root;

  SandboxPathHandler(java.nio.file.Path root) {
    this.root = new Path(root.toString()); // no scheme: ShuffleHandler opens it as a plain file name
  }

  @Override
  public Path getLocalPathForRead(String path) throws IOException {
    return new Path(root, path);
  }

  @Override
  public Path getLocalPathForWrite(String path) throws IOException {
    return new Path(root, path);
  }

  @Override
  public Path getLocalPathForWrite(String path, long size) throws IOException {
    return new Path(root, path);
  }

  @Override
  public Iterable<Path> getAllLocalPathsForRead(String path) throws IOException {
    return List.of(new Path(root, path));
  }
}
