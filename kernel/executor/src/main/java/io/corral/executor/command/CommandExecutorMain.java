package io.corral.executor.command;

import io.corral.common.DriverStatus;
import io.corral.common.Env;
import io.corral.common.secret.SecretFiles;
import io.corral.executor.CorralExecutorDriver;
import java.nio.file.Path;

/** Entry point of the command executor process the agent starts. */
public final class CommandExecutorMain {
  private CommandExecutorMain() {}

  public static void main(String[] args) {
    String sandbox = System.getenv(Env.SANDBOX);
    Path dir = Path.of(sandbox == null ? "." : sandbox).toAbsolutePath();
    String secrets = System.getenv(Env.SECRETS_DIR);
    CorralExecutorDriver driver = new CorralExecutorDriver(new CommandExecutor(dir,
        SecretFiles.in(secrets == null || secrets.isEmpty() ? null : Path.of(secrets))));
    DriverStatus end = driver.run();
    System.exit(end == DriverStatus.DRIVER_STOPPED ? 0 : 1);
  }
}
