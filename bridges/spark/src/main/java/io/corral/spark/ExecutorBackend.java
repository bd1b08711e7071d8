package io.corral.spark;

import java.util.concurrent.atomic.AtomicReference;
import org.apache.spark.executor.CoarseGrainedExecutorBackend;

/**
 * Spark's own executor ({@code CoarseGrainedExecutorBackend}), run as its main runs it but without
 * the JVM's exit at the end, and with the status and reason it leaves with kept
 * ({@link ExecutorExit}): Spark's main exits with 0 whatever happened.
 */
final class ExecutorBackend extends CoarseGrainedExecutorBackend {
  private final AtomicReference<ExecutorExit> exit;

  private ExecutorBackend(org.apache.spark.rpc.RpcEnv rpcEnv, Arguments a, org.apache.spark.SparkEnv env,
      org.apache.spark.resource.ResourceProfile profile, AtomicReference<ExecutorExit> exit) {
    super(rpcEnv, a.driverUrl(), a.executorId(), a.bindAddress(), a.hostname(), a.cores(), env,
        a.resourcesFileOpt(), profile);
    this.exit = exit;
  }

  /** Runs Spark's executor with the process's arguments until it stops; how it ended. */
  static ExecutorExit run(String[] args) {
    AtomicReference<ExecutorExit> exit = new AtomicReference<>();
    Arguments arguments = CoarseGrainedExecutorBackend.parseArguments(args, CoarseGrainedExecutorBackend.class.getName());
    CoarseGrainedExecutorBackend.run(arguments, (rpcEnv, a, env, profile) -> new ExecutorBackend(rpcEnv, a, env, profile, exit));
    ExecutorExit e = exit.get();
    return e == null ? ExecutorExit.STOPPED : e;
  }

  @Override
  public void exitExecutor(int code, String reason, Throwable throwable, boolean notifyDriver) {
    if (!stopping().get()) { // as Spark: once stopping, a later exit is skipped
      exit.compareAndSet(null, new ExecutorExit(code, reason));
    }
    super.exitExecutor(code, reason, throwable, notifyDriver);
  }
}
