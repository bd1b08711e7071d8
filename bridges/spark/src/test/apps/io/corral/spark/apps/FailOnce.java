package io.corral.spark.apps;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Fails (exit 3) the first time, when the file {@code args[0]} does not exist yet (and creates
 * it); then runs {@link GroupBy} with the remaining arguments.
 */
public final class FailOnce {
  public static void main(String[] args) throws Exception {
    Path marker = Path.of(args[0]);
    if (!Files.exists(marker)) {
      Files.createFile(marker);
      System.out.println("FAILING_ON_PURPOSE");
      System.exit(3);
    }
    GroupBy.main(java.util.Arrays.copyOfRange(args, 1, args.length));
  }
}
