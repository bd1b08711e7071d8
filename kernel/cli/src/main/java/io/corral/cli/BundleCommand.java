package io.corral.cli;

import io.corral.command.DurationConverter;
import io.corral.fetcher.BundlePush;
import io.corral.fetcher.HdfsSupport;
import java.nio.file.Path;
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
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "DIR-OR-FILE", description = "The bundle: a directory or a file.")
    Path source;

    @Parameters(index = "1", paramLabel = "URI", description = "Where to: hdfs://, webhdfs://, file:// or an absolute path.")
    String target;

    @Option(names = "--timeout", converter = DurationConverter.class, defaultValue = "30min",
        description = "Give up after this long (default ${DEFAULT-VALUE}).")
    Duration timeout;

    @Override
    public Integer call() throws Exception {
      try {
        BundlePush.push(source, target, HdfsSupport.ofThisInstallation(), timeout);
      } catch (IllegalArgumentException e) {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage());
      }
      System.out.println("pushed: " + target);
      return 0;
    }
  }
}
