package io.corral.cli;

import io.corral.command.DurationConverter;
import io.corral.fetcher.BundlePacker;
import io.corral.fetcher.HdfsClient;
import io.corral.fetcher.HdfsSupport;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code corral bundle ...}: executor bundles. */
@Command(name = "bundle", mixinStandardHelpOptions = true, description = "Publish executor bundles.",
    subcommands = {BundleCommand.Push.class})
final class BundleCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** {@code corral bundle push <dir-or-file> <uri>}. */
  @Command(name = "push", mixinStandardHelpOptions = true,
      description = "Upload an executor bundle where every agent can fetch it: a directory is packed as a "
          + ".tar.gz, a file is uploaded as it is. Prints 'pushed: <uri>'.")
  static final class Push implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DIR-OR-FILE", description = "The bundle: a directory or a file.")
    Path source;

    @Parameters(index = "1", paramLabel = "URI", description = "Where to: hdfs://, webhdfs://, file:// or an absolute path.")
    String target;

    @Option(names = "--timeout", converter = DurationConverter.class, defaultValue = "30min",
        description = "Give up after this long (default ${DEFAULT-VALUE}).")
    Duration timeout;

    @Override
    public Integer call() throws Exception {
      if (!Files.exists(source)) {
        throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), "no such file: " + source);
      }
      URI uri = target.startsWith("/") ? Path.of(target).toUri() : URI.create(target);
      Path upload = source;
      Path packed = null;
      if (Files.isDirectory(source)) {
        packed = Files.createTempFile("corral-bundle-", ".tar.gz");
        BundlePacker.pack(source, packed);
        upload = packed;
      }
      try {
        switch (String.valueOf(uri.getScheme())) {
          case "file" -> copyLocal(upload, Path.of(uri));
          case "hdfs", "webhdfs", "swebhdfs" -> new HdfsClient(HdfsSupport.ofThisInstallation(), timeout).put(upload, uri);
          default -> throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
              "cannot push to '" + target + "': use hdfs://, webhdfs://, file:// or an absolute path");
        }
      } finally {
        if (packed != null) {
          Files.deleteIfExists(packed);
        }
      }
      System.out.println("pushed: " + target);
      return 0;
    }

    /** Copies next to the target, then renames: readers never see half a bundle. */
    private static void copyLocal(Path from, Path to) throws java.io.IOException {
      Path dir = to.toAbsolutePath().getParent();
      Files.createDirectories(dir);
      Path tmp = Files.createTempFile(dir, "." + to.getFileName(), ".part");
      try {
        Files.copy(from, tmp, StandardCopyOption.REPLACE_EXISTING);
        Files.move(tmp, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(tmp);
      }
    }
  }
}
